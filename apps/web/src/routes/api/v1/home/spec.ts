import { defineRoutes } from '$lib/server/api/route-spec';
import { homeSchema } from '$lib/server/library/home';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/home',
	summary:
		'Home feed (12 each, tracks you may browse): recently added, most played, most liked, ' +
		'and your latest session per track',
	auth: true,
	responses: {
		200: { description: 'Feed', schema: homeSchema },
		401: { description: 'Not signed in' }
	}
});
