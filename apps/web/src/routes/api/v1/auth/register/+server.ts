import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { register, registerInput } from '$lib/server/auth/service';

export const POST = endpoint(async ({ request, cookies, getClientAddress }) => {
	const input = await readJson(request, registerInput);
	const { user, token, session } = await register(input, {
		ip: getClientAddress(),
		userAgent: request.headers.get('user-agent')
	});
	setSessionCookie(cookies, token, session.expiresAt);
	return json({ user }, { status: 201 });
});

export const fallback = methodNotAllowed;
