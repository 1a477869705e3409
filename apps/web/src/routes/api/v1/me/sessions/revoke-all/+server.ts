import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { revokeSessions } from '$lib/server/account/sessions';
import { clearSessionCookie } from '$lib/server/auth/cookies';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const revoked = await revokeSessions(user.id, null);
	clearSessionCookie(event.cookies);
	return json({ revoked });
});

export const fallback = methodNotAllowed;
