import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { twoFactorStatus } from '$lib/server/auth/two-factor';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await twoFactorStatus(user.id));
});

export const fallback = methodNotAllowed;
