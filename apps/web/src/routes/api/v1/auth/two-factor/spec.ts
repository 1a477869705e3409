import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { secondFactorInput } from '$lib/server/auth/two-factor';

export const routes = defineRoutes({
	method: 'POST',
	path: '/api/v1/auth/two-factor',
	summary:
		'Finish signing in with a code from the authenticator app or a recovery code (replaces the pending session cookie with a new one)',
	auth: false,
	body: secondFactorInput,
	responses: {
		200: {
			description:
				'Signed in. With a recovery code, also recoveryCodeUsed and how many are left: show the person their 2FA settings',
			schema: z.object({
				user: publicUserSchema,
				recoveryCodeUsed: z.literal(true).optional(),
				recoveryCodesLeft: z.number().int().min(0).optional()
			})
		},
		400: { description: 'Wrong or missing code (INVALID_CODE, TWO_FACTOR_REQUIRED)' },
		401: { description: 'No pending sign-in (sign in with the password first)' },
		429: { description: 'Too many wrong codes' }
	}
});
