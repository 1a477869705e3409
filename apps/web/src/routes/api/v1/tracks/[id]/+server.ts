import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { deleteTrack, getTrack, parseTrackPatch, updateTrack } from '$lib/server/library/tracks';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await getTrack(event.params.id!, user));
});

export const PATCH = endpoint(async (event) => {
	const { user } = requireUser(event);
	// 415/400 for a body that is not JSON; 422 for JSON with values we cannot accept.
	const input = parseTrackPatch(await readJson(event.request, z.unknown()));
	return json(await updateTrack(event.params.id!, user, input));
});

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await deleteTrack(event.params.id!, user);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
