import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { removeItem } from '$lib/server/library/playlists';

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await removeItem(event.params.id!, event.params.itemId!, user);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
