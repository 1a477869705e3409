import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { disableTwoFactor, secondFactorInput, twoFactorStatus } from '$lib/server/auth/two-factor';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	await disableTwoFactor(user.id, await readJson(event.request, secondFactorInput));
	return json(await twoFactorStatus(user.id));
});

export const fallback = methodNotAllowed;
