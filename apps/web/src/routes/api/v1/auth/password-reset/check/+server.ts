import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { checkResetToken, resetCheckInput } from '$lib/server/email/password-reset';

// POST, not GET: the token stays out of URLs and access logs. Does not spend it.
export const POST = endpoint(async ({ request }) => {
	const { token } = await readJson(request, resetCheckInput);
	return json(await checkResetToken(token));
});

export const fallback = methodNotAllowed;
