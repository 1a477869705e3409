import { defineRoutes } from '$lib/server/api/route-spec';
import { ARTIST_TRACK_LIMIT, artistResponseSchema } from '$lib/server/library/browse';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/artists/{name}',
	summary:
		'An artist (name matched case- and accent-insensitively): their albums, newest first, and ' +
		`up to ${ARTIST_TRACK_LIMIT} of their tracks, most played first`,
	auth: true,
	responses: {
		200: { description: 'Artist', schema: artistResponseSchema },
		401: { description: 'Not signed in' },
		404: { description: 'No visible track by this artist' }
	}
});
