import { defineRoutes, uuidParams } from '$lib/server/api/route-spec';
import { likeStateSchema } from '$lib/server/library/likes';

const ids = uuidParams('id');

const path = '/api/v1/tracks/{id}/like';

export const routes = defineRoutes(
	{
		method: 'PUT',
		path,
		summary: 'Like a track (idempotent)',
		auth: true,
		params: ids,
		responses: {
			200: { description: 'Liked; likeCount after the change', schema: likeStateSchema },
			401: { description: 'Not signed in' },
			404: { description: 'Missing or not visible' }
		}
	},
	{
		method: 'DELETE',
		path,
		summary: 'Remove your like (idempotent)',
		auth: true,
		params: ids,
		responses: {
			200: { description: 'Not liked; likeCount after the change', schema: likeStateSchema },
			401: { description: 'Not signed in' },
			404: { description: 'Missing or not visible' }
		}
	}
);
