import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { login, loginInput } from '$lib/server/auth/service';

export const POST = endpoint(async ({ request, cookies, getClientAddress }) => {
	const input = await readJson(request, loginInput);
	const { user, token, session, twoFactorRequired } = await login(input, {
		ip: getClientAddress(),
		userAgent: request.headers.get('user-agent')
	});
	setSessionCookie(cookies, token, session.expiresAt);
	// The cookie then holds a pending session: POST /api/v1/auth/two-factor finishes signing in.
	return json(twoFactorRequired ? { twoFactorRequired: true } : { user });
});

export const fallback = methodNotAllowed;
