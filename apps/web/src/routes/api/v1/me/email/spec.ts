import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { emailChangeInput } from '$lib/server/email/email-change';

export const routes = defineRoutes({
	method: 'POST',
	path: '/api/v1/me/email',
	summary: 'Change your email: mails a confirmation link to the new address, a notice to the old',
	auth: true,
	body: emailChangeInput,
	responses: {
		202: { description: 'Confirmation sent', schema: z.object({ sent: z.literal(true) }) },
		400: { description: 'Invalid input or the same address' },
		401: { description: 'Not signed in' },
		403: { description: 'Wrong current password' },
		409: { description: 'EMAIL_TAKEN, or a guest account without an email' },
		429: { description: 'Too many changes for this account or address' }
	}
});
