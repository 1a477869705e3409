import { defineRoutes, uuidParams } from '$lib/server/api/route-spec';

const ids = uuidParams('id');

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/users/{id}/avatar',
	summary: "A user's avatar (image/webp; the avatarUrl is versioned, so it is cached for a year)",
	auth: true,
	params: ids,
	responses: {
		200: { description: 'The image', binary: ['image/webp'] },
		401: { description: 'Not signed in' },
		404: { description: 'No avatar' }
	}
});
