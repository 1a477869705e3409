import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { playlistOrderInput, reorderItems } from '$lib/server/library/playlists';

export const PUT = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { itemIds } = await readJson(event.request, playlistOrderInput);
	return json({ items: await reorderItems(event.params.id!, itemIds, user) });
});

export const fallback = methodNotAllowed;
