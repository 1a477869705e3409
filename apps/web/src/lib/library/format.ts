// Formatting and small client helpers shared by the library pages.

export { formatTime as duration, coverAt } from '$lib/player/format';

/** "1 hr 4 min", "34 min", "45 sec": for album and playlist totals. */
export function longDuration(ms: number): string {
	const totalMin = Math.round(ms / 60_000);
	if (totalMin === 0) return `${Math.round(ms / 1000)} sec`;
	const h = Math.floor(totalMin / 60);
	const m = totalMin % 60;
	return h > 0 ? `${h} hr${m ? ` ${m} min` : ''}` : `${m} min`;
}

/** English counts ("3 tracks"); pages being translated use plural messages instead. */
export const plural = (n: number, one: string, many = `${one}s`) =>
	`${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** In the page's language (lib/i18n/format.ts). */
export { formatDate } from '$lib/i18n/format';
