import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readQuery, requireUser } from '$lib/server/api/http';
import { listLikes, pageQuery } from '$lib/server/library/likes';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await listLikes(user, readQuery(event.url, pageQuery)));
});

export const fallback = methodNotAllowed;
