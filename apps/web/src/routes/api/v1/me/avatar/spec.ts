import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';

const userBody = z.object({ user: publicUserSchema });

export const routes = defineRoutes(
	{
		method: 'POST',
		path: '/api/v1/me/avatar',
		summary:
			'Set your avatar: a JPEG, PNG or WebP image (raw body or multipart field "avatar", at most 10 MB and 40 MP), stored as a 256x256 WebP',
		auth: true,
		rawBody: ['image/jpeg', 'image/png', 'image/webp'],
		multipart: z.object({ avatar: z.file().describe('A JPEG, PNG or WebP image') }),
		responses: {
			200: { description: 'Updated', schema: userBody },
			400: { description: 'No image' },
			401: { description: 'Not signed in' },
			413: { description: 'Too many bytes or pixels' },
			415: { description: 'Not a JPEG, PNG or WebP image' }
		}
	},
	{
		method: 'DELETE',
		path: '/api/v1/me/avatar',
		summary: 'Remove your avatar',
		auth: true,
		responses: {
			200: { description: 'Removed', schema: userBody },
			401: { description: 'Not signed in' }
		}
	}
);
