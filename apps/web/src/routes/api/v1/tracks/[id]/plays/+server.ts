import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { startPlay } from '$lib/server/library/plays';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await startPlay(event.params.id!, user), { status: 201 });
});

export const fallback = methodNotAllowed;
