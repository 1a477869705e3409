import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { getAlbum } from '$lib/server/library/browse';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await getAlbum(event.params.id!, user.id));
});

export const fallback = methodNotAllowed;
