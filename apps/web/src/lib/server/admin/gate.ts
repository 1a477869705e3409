import { redirect, type Handle } from '@sveltejs/kit';
import { ApiError } from '../api/errors.ts';
import { errorResponse } from '../api/http.ts';
import { isAdminRequest, isApiRequest } from './paths.ts';
import { isAdmin } from './roles.ts';

/**
 * The outer wall around everything under /admin and /api/v1/admin (every service call behind it
 * checks again with requireAdmin). Anonymous: 401 from the API, the sign-in page for a page.
 * Signed in but not an admin: 403 from the API and for any form post; page views go on to the
 * admin layout, which answers with the 403 error page.
 */
export const adminGate: Handle = async ({ event, resolve }) => {
	const { url, locals, request } = event;
	if (!isAdminRequest(event.route.id, url.pathname)) return resolve(event);
	const api = isApiRequest(event.route.id, url.pathname);
	const read = request.method === 'GET' || request.method === 'HEAD';
	if (!locals.user) {
		if (api) return errorResponse(new ApiError(401, 'UNAUTHENTICATED', 'Sign in first'));
		if (read) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
		return new Response('Sign in first', {
			status: 401,
			headers: { 'content-type': 'text/plain' }
		});
	}
	if (!(await isAdmin(locals.user.id))) {
		const message = 'Only instance admins can do that';
		if (api) return errorResponse(new ApiError(403, 'FORBIDDEN', message));
		if (!read)
			return new Response(message, { status: 403, headers: { 'content-type': 'text/plain' } });
	}
	return resolve(event);
};
