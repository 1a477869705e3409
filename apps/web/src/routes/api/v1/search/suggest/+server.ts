import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readQuery, requireUser } from '$lib/server/api/http';
import { suggest, suggestQuery } from '$lib/server/library/search';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { q } = readQuery(event.url, suggestQuery);
	return json(await suggest(user.id, q));
});

export const fallback = methodNotAllowed;
