import { publicUserSchema } from '@chorus/protocol';
import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { claimInput } from '$lib/server/rooms/guests';

export const routes = defineRoutes({
	method: 'POST',
	path: '/api/v1/account/claim',
	summary: 'Turn your guest account into a full one with an email and password (memberships stay)',
	auth: true,
	body: claimInput,
	responses: {
		200: { description: 'Claimed', schema: z.object({ user: publicUserSchema }) },
		400: { description: 'Invalid input' },
		401: { description: 'Not signed in' },
		409: { description: 'Not a guest account (CONFLICT), or email taken (EMAIL_TAKEN)' },
		422: { description: 'WEAK_PASSWORD: a common, breached-like or account-derived password' }
	}
});
