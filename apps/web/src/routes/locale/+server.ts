import { redirect } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { errorResponse } from '$lib/server/api/http';
import { safeRedirect } from '$lib/redirect';
import { getDb } from '$lib/server/db';
import { LOCALE_COOKIE, localeCookieOptions, toAppLocale } from '$lib/server/i18n';
import type { RequestHandler } from './$types';

/**
 * The header's language switcher: a plain form POST (works without JavaScript) that remembers
 * the choice in the cookie and, for a signed-in person, on the account, then reloads the page
 * it came from in the new language.
 */
export const POST: RequestHandler = async ({ request, cookies, locals }) => {
	const form = await request.formData().catch(() => null);
	const locale = toAppLocale(form?.get('locale'));
	if (!locale) return errorResponse(new ApiError(400, 'VALIDATION', 'Unknown language'));
	cookies.set(LOCALE_COOKIE, locale, localeCookieOptions);
	if (locals.user) {
		await getDb().user.update({ where: { id: locals.user.id }, data: { locale } });
	}
	const back = form?.get('redirectTo');
	redirect(303, safeRedirect(typeof back === 'string' ? back : null));
};
