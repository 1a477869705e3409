import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { codeInput, regenerateRecoveryCodes } from '$lib/server/auth/two-factor';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { code } = await readJson(event.request, codeInput);
	return json(await regenerateRecoveryCodes(user.id, code));
});

export const fallback = methodNotAllowed;
