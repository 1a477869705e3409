import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { revokeSessions } from '$lib/server/account/sessions';

export const POST = endpoint(async (event) => {
	const { user, session } = requireUser(event);
	return json({ revoked: await revokeSessions(user.id, session.id) });
});

export const fallback = methodNotAllowed;
