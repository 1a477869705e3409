import { defineRoutes } from '$lib/server/api/route-spec';
import { passwordChangeInput } from '$lib/server/account/sessions';

export const routes = defineRoutes({
	method: 'POST',
	path: '/api/v1/me/password',
	summary: 'Change your password (needs the current one); signs every other session out',
	auth: true,
	body: passwordChangeInput,
	responses: {
		204: { description: 'Changed' },
		400: { description: 'Invalid input or wrong current password' },
		401: { description: 'Not signed in' },
		409: { description: 'The account has no password' },
		422: { description: 'WEAK_PASSWORD: a common, breached-like or account-derived password' },
		429: { description: 'Too many wrong passwords' }
	}
});
