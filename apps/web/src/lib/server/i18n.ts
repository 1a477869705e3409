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
	// Paraglide reads only the URL and headers, but clones the request it gets: given ours, the
	// clone would tee an upload's body into a branch nobody reads (buffered whole, and a refused
	// upload's connection reset). A body-less copy carries what it needs.
	const probe = new Request(event.url, { headers: event.request.headers });
	if (saved) accountLocale.set(probe, saved);
	return paraglideMiddleware(probe, ({ locale }) => {
		event.locals.locale = locale;
		// A saved choice signed in on a new device becomes this browser's choice too. Pages only:
		// API clients keep no such cookie, and a Set-Cookie on every answer (a stream's ranges
		// included) would make each one uncacheable by a proxy.
		if (
			saved &&
			!event.url.pathname.startsWith('/api/') &&
			event.cookies.get(LOCALE_COOKIE) !== saved
		) {
			event.cookies.set(LOCALE_COOKIE, saved, localeCookieOptions);
		}
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};
