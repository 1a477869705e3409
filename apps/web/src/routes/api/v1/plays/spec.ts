import { defineRoutes, uuidParams } from '$lib/server/api/route-spec';
import { progressInput, progressResultSchema } from '$lib/server/library/plays';

const ids = uuidParams('id');

export const routes = defineRoutes({
	method: 'POST',
	path: '/api/v1/plays/{id}/progress',
	summary:
		'Report a session: playback position and total time heard. It counts as a play once ' +
		'min(50% of the track, 30 s) was heard (trusted up to the time since the start + 2 s), ' +
		'once per session and once per user and track per 10 minutes; counted tells whether this ' +
		'session has counted',
	auth: true,
	params: ids,
	body: progressInput,
	responses: {
		200: { description: 'Recorded', schema: progressResultSchema },
		400: { description: 'Invalid input' },
		401: { description: 'Not signed in' },
		404: { description: 'No such session of yours, or the track is no longer visible' },
		415: { description: 'Not application/json' }
	}
});
