import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import {
	deletePlaylist,
	getPlaylist,
	playlistNameInput,
	renamePlaylist
} from '$lib/server/library/playlists';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await getPlaylist(event.params.id!, user));
});

export const PATCH = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { name } = await readJson(event.request, playlistNameInput);
	return json({ playlist: await renamePlaylist(event.params.id!, user, name) });
});

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await deletePlaylist(event.params.id!, user);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
