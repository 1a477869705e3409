import { defineRoutes } from '$lib/server/api/route-spec';
import { pageQuery } from '$lib/server/library/likes';
import { trackPageSchema } from '$lib/server/library/paging';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/me/likes',
	summary: 'Your liked songs, most recent like first (cursor: nextCursor of the last page)',
	auth: true,
	query: pageQuery,
	responses: {
		200: { description: 'One page', schema: trackPageSchema },
		400: { description: 'Malformed cursor or limit' },
		401: { description: 'Not signed in' }
	}
});
