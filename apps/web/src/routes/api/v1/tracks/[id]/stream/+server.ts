import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { streamAudio } from '$lib/server/library/stream';
import { findStreamableTrack } from '$lib/server/library/tracks';

const stream = endpoint(async (event) => {
	const { user } = requireUser(event);
	const track = await findStreamableTrack(event.params.id!, user);
	return streamAudio(event.request, track);
});

export const GET = stream;
export const HEAD = stream;
export const fallback = methodNotAllowed;
