// Small pure helpers shared by the player and its components.

/** Howler's format name for a track (it picks the decoder check from it; the URL has no extension). */
export function howlerFormat(t: { mimeType: string; codec: string }): string {
	switch (t.mimeType) {
		case 'audio/mpeg':
			return 'mp3';
		case 'audio/flac':
			return 'flac';
		case 'audio/ogg':
			return /opus/i.test(t.codec) ? 'opus' : 'ogg';
		case 'audio/wav':
			return 'wav';
		case 'audio/mp4':
			return 'm4a';
		case 'audio/webm':
			return 'webm';
		default:
			return t.mimeType.split('/')[1]?.replace(/^x-/, '') ?? 'mp3';
	}
}

/** 0:07, 3:25, 1:02:03 */
export function formatTime(ms: number): string {
	const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = String(total % 60).padStart(2, '0');
	return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "3 minutes 25 seconds", for screen readers. */
export function spokenTime(ms: number): string {
	const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
	const parts = [h && part(h, 'hour'), (h || m) && part(m, 'minute'), part(s, 'second')];
	return parts.filter(Boolean).join(' ');
}

/** The same cover at another size (sm 96, md 300, lg 600 px). */
export function coverAt(coverUrl: string, size: 'sm' | 'md' | 'lg'): string {
	return coverUrl.replace(/([?&])size=(sm|md|lg)\b/, `$1size=${size}`);
}
