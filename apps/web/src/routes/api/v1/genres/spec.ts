import { defineRoutes } from '$lib/server/api/route-spec';
import { genresResponseSchema } from '$lib/server/library/browse';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/genres',
	summary: 'Genres of the tracks you can see, most tracks first',
	auth: true,
	responses: {
		200: { description: 'Genres', schema: genresResponseSchema },
		401: { description: 'Not signed in' }
	}
});
