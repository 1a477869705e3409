import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { unlinkConnection } from '$lib/server/auth/oauth/service';

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await unlinkConnection(user.id, event.params.provider ?? '');
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
