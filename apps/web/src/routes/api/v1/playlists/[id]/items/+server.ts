import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { addItem, playlistItemInput } from '$lib/server/library/playlists';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { trackId } = await readJson(event.request, playlistItemInput);
	return json({ item: await addItem(event.params.id!, trackId, user) }, { status: 201 });
});

export const fallback = methodNotAllowed;
