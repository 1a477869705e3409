import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { confirmPasswordReset, resetConfirmInput } from '$lib/server/email/password-reset';

// Signs every session out and does not sign in: the user signs in with the new password next.
export const POST = endpoint(async ({ request }) => {
	await confirmPasswordReset(await readJson(request, resetConfirmInput));
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
