import { defineRoutes } from '$lib/server/api/route-spec';
import { albumResponseSchema } from '$lib/server/library/browse';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/albums/{id}',
	summary:
		'An album (the albumId of its tracks) with its visible tracks by track number, then title',
	auth: true,
	responses: {
		200: { description: 'Album', schema: albumResponseSchema },
		401: { description: 'Not signed in' },
		404: { description: 'No visible track on this album' }
	}
});
