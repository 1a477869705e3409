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
	const signedIn = await completeSignIn(pending, input, {
		ip: getClientAddress(),
		userAgent: request.headers.get('user-agent')
	});
	setSessionCookie(cookies, signedIn.token, signedIn.session.expiresAt);
	if (!signedIn.recoveryCodeUsed) return json({ user: signedIn.user });
	// Clients should send the person to review 2FA, as the sign-in form does.
	const { user, recoveryCodesLeft } = signedIn;
	return json({ user, recoveryCodeUsed: true, recoveryCodesLeft });
});

export const fallback = methodNotAllowed;
