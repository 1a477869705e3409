import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { ingestUpload } from '$lib/server/library/ingest';
import { listMyTracks } from '$lib/server/library/tracks';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const track = await ingestUpload(event.request, user);
	return json(track, { status: 201, headers: { location: `/api/v1/tracks/${track.id}` } });
});

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json({ tracks: await listMyTracks(user) });
});

export const fallback = methodNotAllowed;
