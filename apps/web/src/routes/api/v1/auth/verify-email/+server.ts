import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson } from '$lib/server/api/http';
import { confirmEmailInput, confirmEmailToken } from '$lib/server/email/verification';

// No session needed: the single-use token is the proof (the link may be opened on another device).
export const POST = endpoint(async ({ request }) => {
	const { token } = await readJson(request, confirmEmailInput);
	return json(await confirmEmailToken(token));
});

export const fallback = methodNotAllowed;
