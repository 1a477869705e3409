import { defineRoutes } from '$lib/server/api/route-spec';
import { suggestQuery, suggestResponseSchema } from '$lib/server/library/search';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/search/suggest',
	summary: 'Autocomplete: up to 5 titles, artists and albums each',
	auth: true,
	query: suggestQuery,
	responses: {
		200: { description: 'Suggestions', schema: suggestResponseSchema },
		400: { description: 'q missing, empty or too long' },
		401: { description: 'Not signed in' }
	}
});
