import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import {
	RESET_REQUESTED_MESSAGE,
	requestPasswordReset,
	resetRequestInput
} from '$lib/server/email/password-reset';

// 202 with the same body whether or not the address has an account.
export const POST = endpoint(async ({ request, getClientAddress }) => {
	const { email } = await readJson(request, resetRequestInput);
	await requestPasswordReset(email, getClientAddress());
	return json({ message: RESET_REQUESTED_MESSAGE }, { status: 202 });
});

export const fallback = methodNotAllowed;
