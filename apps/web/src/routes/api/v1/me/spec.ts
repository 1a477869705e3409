import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { deleteAccountInput } from '$lib/server/account/delete';
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
	},
	{
		method: 'DELETE',
		path: '/api/v1/me',
		summary:
			'Delete your account (type your email or display name; your password if you have one). Uploads others still use are kept under an anonymous "Deleted user"',
		auth: true,
		body: deleteAccountInput,
		responses: {
			200: {
				description: 'Deleted',
				schema: z.object({
					tombstone: z.boolean(),
					deletedTracks: z.number(),
					keptTracks: z.number()
				})
			},
			400: { description: 'Confirmation or password wrong' },
			401: { description: 'Not signed in' },
			429: { description: 'Too many wrong passwords' }
		}
	}
);
