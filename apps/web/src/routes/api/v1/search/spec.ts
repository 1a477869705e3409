import { defineRoutes } from '$lib/server/api/route-spec';
import { trackPageSchema } from '$lib/server/library/paging';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/search',
	summary:
		'Search visible tracks, tolerant of typos, case and accents (query: q 0..200 chars, empty ' +
		'browses everything; genre; sort relevance|newest|most_played|most_liked, default relevance ' +
		'with q and newest without; cursor from the last page; limit 1..100, default 30)',
	auth: true,
	responses: {
		200: { description: 'One page', schema: trackPageSchema },
		400: { description: 'Malformed q, genre, sort, cursor or limit' },
		401: { description: 'Not signed in' }
	}
});
