import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/health',
	summary: 'Whether this instance reaches its database and Redis (no sign-in needed)',
	auth: false,
	tags: ['meta'],
	responses: {
		200: { description: 'Healthy', schema: z.object({ status: z.literal('ok') }) },
		503: {
			description: 'The database or Redis did not answer',
			schema: z.object({ status: z.literal('unavailable') })
		}
	}
});
