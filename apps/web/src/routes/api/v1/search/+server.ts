import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readQuery, requireUser } from '$lib/server/api/http';
import { searchQuery, searchTracks } from '$lib/server/library/search';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await searchTracks(user.id, readQuery(event.url, searchQuery)));
});

export const fallback = methodNotAllowed;
