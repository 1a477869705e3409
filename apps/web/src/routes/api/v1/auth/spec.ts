import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { loginInput, registerInput } from '$lib/server/auth/service';

const userBody = z.object({ user: publicUserSchema });

export const routes = defineRoutes(
	{
		method: 'POST',
		path: '/api/v1/auth/register',
		summary: 'Create an account and sign in (sets the session cookie)',
		auth: false,
		body: registerInput,
		responses: {
			201: { description: 'Account created', schema: userBody },
			400: { description: 'Invalid input' },
			409: { description: 'Email already registered' },
			422: { description: 'WEAK_PASSWORD: a common, breached-like or account-derived password' },
			415: { description: 'Body is not JSON' },
			429: { description: 'Too many sign-ups from this address' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/auth/login',
		summary: 'Sign in with email and password (sets the session cookie)',
		auth: false,
		body: loginInput,
		responses: {
			200: {
				description:
					'Signed in, or (2FA accounts) { twoFactorRequired: true } with a pending session cookie for POST /api/v1/auth/two-factor',
				schema: z.union([userBody, z.object({ twoFactorRequired: z.literal(true) })])
			},
			400: { description: 'Invalid input' },
			401: { description: 'Wrong email or password' },
			429: { description: 'Too many attempts' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/auth/logout',
		summary: 'Delete the current session',
		auth: true,
		responses: { 204: { description: 'Signed out' }, 401: { description: 'Not signed in' } }
	}
);
