import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { login, loginInput } from '$lib/server/auth/service';

export const POST = endpoint(async ({ request, cookies, getClientAddress }) => {
	const input = await readJson(request, loginInput);
	const { user, token, session } = await login(input, {
		ip: getClientAddress(),
		userAgent: request.headers.get('user-agent')
	});
	setSessionCookie(cookies, token, session.expiresAt);
	return json({ user });
});

export const fallback = methodNotAllowed;
