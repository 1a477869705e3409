/**
 * The language of each request. Paraglide resolves it (paraglide.config.js): the signed-in
 * account's saved choice, else the PARAGLIDE_LOCALE cookie of the header switcher, else
 * Accept-Language, else English. Message functions and lib/i18n/format.ts read it through
 * AsyncLocalStorage for the rest of the request; <html lang> is written from it.
 */
import type { Handle } from '@sveltejs/kit';
import {
	baseLocale,
	cookieMaxAge,
	getLocale,
	cookieName,
	defineCustomServerStrategy,
	isLocale,
	type Locale
} from '$lib/paraglide/runtime';
import { paraglideMiddleware } from '$lib/paraglide/server';

/** Account locales of the requests in flight, set by the auth hook's user. */
const accountLocale = new WeakMap<Request, Locale>();
defineCustomServerStrategy('custom-account', {
	getLocale: (request) => (request ? accountLocale.get(request) : undefined)
});

export const LOCALE_COOKIE = cookieName;

/** Readable by the browser runtime (it is only the language); a year and some, like Paraglide's. */
export const localeCookieOptions = {
	path: '/',
	httpOnly: false,
	sameSite: 'lax',
	maxAge: cookieMaxAge
} as const;

/** The language of the request being served (English outside of one, e.g. in a worker). */
export function requestLocale(): Locale {
	try {
		return getLocale();
	} catch {
		return baseLocale;
	}
}

export const toAppLocale = (v: unknown): Locale | null =>
	typeof v === 'string' && isLocale(v) ? v : null;

export const i18n: Handle = ({ event, resolve }) => {
	const saved = toAppLocale(event.locals.user?.locale);
	if (saved) accountLocale.set(event.request, saved);
	return paraglideMiddleware(event.request, ({ locale }) => {
		event.locals.locale = locale;
		// A saved choice signed in on a new device becomes this browser's choice too.
		if (saved && event.cookies.get(LOCALE_COOKIE) !== saved) {
			event.cookies.set(LOCALE_COOKIE, saved, localeCookieOptions);
		}
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};
