import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { revokeSession } from '$lib/server/account/sessions';
import { clearSessionCookie } from '$lib/server/auth/cookies';

export const DELETE = endpoint(async (event) => {
	const { user, session } = requireUser(event);
	await revokeSession(user.id, event.params.id!);
	if (event.params.id === session.id) clearSessionCookie(event.cookies);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
