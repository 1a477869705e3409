import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { createPlaylist, listPlaylists, playlistNameInput } from '$lib/server/library/playlists';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json({ playlists: await listPlaylists(user) });
});

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { name } = await readJson(event.request, playlistNameInput);
	const playlist = await createPlaylist(user, name);
	return json(
		{ playlist },
		{ status: 201, headers: { location: `/api/v1/playlists/${playlist.id}` } }
	);
});

export const fallback = methodNotAllowed;
