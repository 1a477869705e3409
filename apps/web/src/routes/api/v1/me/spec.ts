import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { displayNameInput } from '$lib/server/auth/service';

const userBody = z.object({ user: publicUserSchema });

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/me',
		summary: 'The signed-in user',
		auth: true,
		responses: {
			200: { description: 'You', schema: userBody },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'PATCH',
		path: '/api/v1/me',
		summary: 'Change your display name',
		auth: true,
		body: displayNameInput,
		responses: {
			200: { description: 'Updated', schema: userBody },
			400: { description: 'Invalid input' },
			401: { description: 'Not signed in' }
		}
	}
);
