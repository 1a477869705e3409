import { json } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { completeSignIn, secondFactorInput } from '$lib/server/auth/two-factor';

/** The second step of signing in, with the pending session's cookie from POST /auth/login. */
export const POST = endpoint(async ({ request, cookies, locals, getClientAddress }) => {
	const pending = locals.pendingTwoFactor;
	if (!pending) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in with your password first');
	const input = await readJson(request, secondFactorInput);
	const { user, token, session } = await completeSignIn(pending, input, {
		ip: getClientAddress(),
		userAgent: request.headers.get('user-agent')
	});
	setSessionCookie(cookies, token, session.expiresAt);
	return json({ user });
});

export const fallback = methodNotAllowed;
