import { defineRoutes, uuidParams } from '$lib/server/api/route-spec';
import { playStartSchema } from '$lib/server/library/plays';

const ids = uuidParams('id');

export const routes = defineRoutes({
	method: 'POST',
	path: '/api/v1/tracks/{id}/plays',
	summary: 'Start a listening session; report it with POST /api/v1/plays/{id}/progress',
	auth: true,
	params: ids,
	responses: {
		201: { description: 'Session started', schema: playStartSchema },
		401: { description: 'Not signed in' },
		404: { description: 'Missing or not visible' },
		429: { description: 'Too many sessions started in the last minute' }
	}
});
