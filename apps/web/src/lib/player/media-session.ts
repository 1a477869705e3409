// Lock screen, notification and hardware media keys through the Media Session API.
import type { Track } from '$lib/types';

export interface MediaSessionTarget {
	play(): void;
	pause(): void;
	previous(): void;
	next(): void;
	seek(ms: number): void;
	readonly positionMs: number;
	readonly durationMs: number;
}

const SEEK_OFFSET_MS = 10_000;
const ARTWORK_SIZES = [
	['sm', 96],
	['md', 300],
	['lg', 600]
] as const;

function session(): MediaSession | null {
	return typeof navigator !== 'undefined' && 'mediaSession' in navigator
		? navigator.mediaSession
		: null;
}

/** coverUrl carries size=md; the same cover exists at 96, 300 and 600 px (WebP). */
export function artworkFor(coverUrl: string, origin: string): MediaImage[] {
	return ARTWORK_SIZES.map(([size, px]) => {
		const url = new URL(coverUrl, origin);
		url.searchParams.set('size', size);
		return { src: url.href, sizes: `${px}x${px}`, type: 'image/webp' };
	});
}

export function setMediaMetadata(track: Track | null) {
	const ms = session();
	if (!ms || typeof MediaMetadata === 'undefined') return;
	if (!track) {
		ms.metadata = null;
		ms.playbackState = 'none';
		return;
	}
	ms.metadata = new MediaMetadata({
		title: track.title,
		artist: track.artist,
		album: track.album ?? '',
		artwork: artworkFor(track.coverUrl, location.origin)
	});
}

export function setMediaPlaybackState(playing: boolean) {
	const ms = session();
	if (ms) ms.playbackState = playing ? 'playing' : 'paused';
}

export function setMediaPosition(positionMs: number, durationMs: number) {
	const ms = session();
	if (!ms?.setPositionState) return;
	try {
		if (!(durationMs > 0)) return ms.setPositionState();
		ms.setPositionState({
			duration: durationMs / 1000,
			playbackRate: 1,
			position: Math.min(Math.max(positionMs, 0), durationMs) / 1000
		});
	} catch {
		// Some browsers reject states they consider inconsistent; the lock screen just lags.
	}
}

const offsetMs = (d: MediaSessionActionDetails) =>
	d.seekOffset && d.seekOffset > 0 ? d.seekOffset * 1000 : SEEK_OFFSET_MS;

/** Registers the action handlers; returns the function that removes them. */
export function installMediaSession(player: MediaSessionTarget): () => void {
	const ms = session();
	if (!ms) return () => {};
	const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
		['play', () => player.play()],
		['pause', () => player.pause()],
		['previoustrack', () => player.previous()],
		['nexttrack', () => player.next()],
		[
			'seekto',
			(d) => {
				if (typeof d.seekTime === 'number') player.seek(d.seekTime * 1000);
			}
		],
		['seekbackward', (d) => player.seek(Math.max(0, player.positionMs - offsetMs(d)))],
		['seekforward', (d) => player.seek(player.positionMs + offsetMs(d))]
	];
	const set = (action: MediaSessionAction, handler: MediaSessionActionHandler | null) => {
		try {
			ms.setActionHandler(action, handler);
		} catch {
			// Unsupported actions throw in some browsers.
		}
	};
	for (const [action, handler] of handlers) set(action, handler);
	return () => {
		for (const [action] of handlers) set(action, null);
	};
}
