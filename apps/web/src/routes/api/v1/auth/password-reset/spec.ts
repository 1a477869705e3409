import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import {
	resetCheckInput,
	resetConfirmInput,
	resetRequestInput
} from '$lib/server/email/password-reset';

export const routes = defineRoutes(
	{
		method: 'POST',
		path: '/api/v1/auth/password-reset',
		summary: 'Mail a password reset link (same answer whether or not the account exists)',
		auth: false,
		body: resetRequestInput,
		responses: {
			202: { description: 'Accepted', schema: z.object({ message: z.string() }) },
			400: { description: 'Invalid input' },
			429: { description: 'Too many requests for this address or from this client' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/auth/password-reset/check',
		summary: 'Is a reset link still valid, and does it need a second factor? (does not use it)',
		auth: false,
		body: resetCheckInput,
		responses: {
			200: {
				description: 'Status of the link',
				schema: z.object({ valid: z.boolean(), twoFactorRequired: z.boolean() })
			},
			400: { description: 'Invalid input' },
			415: { description: 'Body is not JSON' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/auth/password-reset/confirm',
		summary: 'Set a new password with a reset link; signs out every session',
		auth: false,
		body: resetConfirmInput,
		responses: {
			204: { description: 'Password changed; sign in with it' },
			400: {
				description:
					'INVALID_TOKEN, VALIDATION (too short or long), TWO_FACTOR_REQUIRED or INVALID_CODE (2FA accounts)'
			},
			422: { description: 'WEAK_PASSWORD: a common, breached-like or account-derived password' },
			429: { description: 'Too many wrong second-factor codes' }
		}
	}
);
