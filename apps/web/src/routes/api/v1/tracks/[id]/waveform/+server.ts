import { json } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { findVisibleTrack } from '$lib/server/library/tracks';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	const track = await findVisibleTrack(event.params.id!, user);
	if (!track.waveform) {
		if (track.processingStatus === 'failed') {
			throw new ApiError(404, 'NOT_FOUND', 'No waveform could be computed for this track');
		}
		// Still being computed: tell the client when to ask again.
		return json(
			{ status: track.processingStatus, waveform: null },
			{ status: 202, headers: { 'retry-after': '2' } }
		);
	}
	return json(
		{ status: 'ready', waveform: track.waveform },
		{ headers: { 'cache-control': 'private, max-age=3600', etag: `"wf-${track.blobSha256}"` } }
	);
});

export const fallback = methodNotAllowed;
