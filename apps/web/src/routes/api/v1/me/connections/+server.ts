import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { listConnections } from '$lib/server/auth/oauth/service';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await listConnections(user.id));
});

export const fallback = methodNotAllowed;
