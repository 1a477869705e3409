/** Intl formatting with an explicit locale (pure: unit-tested; format.ts binds the render's). */

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.RelativeTimeFormat>(
	key: string,
	make: () => T
): T {
	let f = cache.get(key) as T | undefined;
	if (!f) {
		f = make();
		cache.set(key, f);
	}
	return f;
}

type DateInput = Date | string | number;
const toDate = (d: DateInput) => (d instanceof Date ? d : new Date(d));

/** "4 Dec 2026" / "4 дек. 2026 г." */
export function formatDate(locale: string, d: DateInput, timeZone?: string): string {
	return cached(
		`d:${locale}:${timeZone}`,
		() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone })
	).format(toDate(d));
}

/** "4 Dec 2026, 19:15" / "4 дек. 2026 г., 19:15" */
export function formatDateTime(locale: string, d: DateInput, timeZone?: string): string {
	return cached(
		`dt:${locale}:${timeZone}`,
		() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone })
	).format(toDate(d));
}

/** "19:15" / "7:15 PM" */
export function formatTimeOfDay(locale: string, d: DateInput, timeZone?: string): string {
	return cached(
		`t:${locale}:${timeZone}`,
		() => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone })
	).format(toDate(d));
}

/** 1234567.5 → "1,234,567.5" / "1 234 567,5" */
export function formatNumber(
	locale: string,
	n: number,
	options?: Intl.NumberFormatOptions
): string {
	return cached(
		`n:${locale}:${JSON.stringify(options ?? {})}`,
		() => new Intl.NumberFormat(locale, options)
	).format(n);
}

/** A track length, the way players print it in every language: 3:05, 1:02:03. */
export function formatDuration(ms: number): string {
	const total = Math.max(0, Math.round(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = String(total % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "3 minutes ago" / "3 минуты назад", from the largest unit that fits. */
export function formatRelative(locale: string, d: DateInput, now: number = Date.now()): string {
	const diffS = (toDate(d).getTime() - now) / 1000;
	const units: [Intl.RelativeTimeFormatUnit, number][] = [
		['year', 31_536_000],
		['month', 2_592_000],
		['week', 604_800],
		['day', 86_400],
		['hour', 3_600],
		['minute', 60],
		['second', 1]
	];
	const rtf = cached(`r:${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
	for (const [unit, s] of units) {
		if (Math.abs(diffS) >= s || unit === 'second') return rtf.format(Math.round(diffS / s), unit);
	}
	return rtf.format(0, 'second');
}

/** The CLDR plural category of n (ru: one 1, 21; few 2–4, 22; many 5–20, 25; other 1.5). */
export function pluralCategory(locale: string, n: number): Intl.LDMLPluralRule {
	return new Intl.PluralRules(locale).select(n);
}
