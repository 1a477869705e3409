import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { confirmEmailInput } from '$lib/server/email/verification';

export const routes = defineRoutes(
	{
		method: 'POST',
		path: '/api/v1/auth/verify-email',
		summary: 'Use an emailed verification or email-change link (single use)',
		auth: false,
		body: confirmEmailInput,
		responses: {
			200: {
				description: 'Address verified (verify) or changed and verified (change)',
				schema: z.object({ purpose: z.enum(['verify', 'change']), email: z.string() })
			},
			400: { description: 'INVALID_TOKEN: unknown, malformed, expired or used' },
			409: { description: 'EMAIL_TAKEN: the new address belongs to another account now' }
		}
	},
	{
		method: 'POST',
		path: '/api/v1/auth/verify-email/resend',
		summary: 'Mail a new verification link (older links stop working)',
		auth: true,
		responses: {
			202: { description: 'Sent', schema: z.object({ sent: z.literal(true) }) },
			401: { description: 'Not signed in' },
			409: { description: 'Already verified, or no email address' },
			429: { description: 'Too many resends for this account or address' }
		}
	}
);
