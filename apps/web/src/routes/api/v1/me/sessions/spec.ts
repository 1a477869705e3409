import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { sessionJsonSchema } from '$lib/server/account/sessions';

export const routes = defineRoutes(
	{
		method: 'GET',
		path: '/api/v1/me/sessions',
		summary: 'Your signed-in sessions (not expired), the current one first',
		auth: true,
		responses: {
			200: { description: 'Sessions', schema: z.object({ sessions: z.array(sessionJsonSchema) }) },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'DELETE',
		path: '/api/v1/me/sessions/{id}',
		summary:
			'Sign one of your sessions out (its live sockets are disconnected); the current one also clears the cookie',
		auth: true,
		responses: {
			204: { description: 'Signed out' },
			401: { description: 'Not signed in' },
			404: { description: 'No such session of yours' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/me/sessions/revoke-others',
		summary: 'Sign out everywhere else (every session but this one)',
		auth: true,
		responses: {
			200: { description: 'How many were signed out', schema: z.object({ revoked: z.number() }) },
			401: { description: 'Not signed in' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/me/sessions/revoke-all',
		summary: 'Sign out everywhere, this session included (clears the cookie)',
		auth: true,
		responses: {
			200: { description: 'How many were signed out', schema: z.object({ revoked: z.number() }) },
			401: { description: 'Not signed in' }
		}
	}
);
