import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import {
	deleteTrack,
	findVisibleTrack,
	trackJsonFor,
	trackPatchInput,
	updateTrack
} from '$lib/server/library/tracks';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await trackJsonFor(await findVisibleTrack(event.params.id!, user), user.id));
});

export const PATCH = endpoint(async (event) => {
	const { user } = requireUser(event);
	const input = await readJson(event.request, trackPatchInput);
	return json(await updateTrack(event.params.id!, user, input));
});

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await deleteTrack(event.params.id!, user);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
