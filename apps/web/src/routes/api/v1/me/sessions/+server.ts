import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { listSessions } from '$lib/server/account/sessions';

export const GET = endpoint(async (event) => {
	const { user, session } = requireUser(event);
	return json({ sessions: await listSessions(user.id, session.id) });
});

export const fallback = methodNotAllowed;
