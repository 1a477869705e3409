import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { likeTrack, unlikeTrack } from '$lib/server/library/likes';

export const PUT = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await likeTrack(event.params.id!, user));
});

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await unlikeTrack(event.params.id!, user));
});

export const fallback = methodNotAllowed;
