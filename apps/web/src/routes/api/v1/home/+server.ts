import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { homeFeed } from '$lib/server/library/home';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await homeFeed(user));
});

export const fallback = methodNotAllowed;
