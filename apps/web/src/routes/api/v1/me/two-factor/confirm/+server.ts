import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { codeInput, confirmSetup } from '$lib/server/auth/two-factor';

export const POST = endpoint(async (event) => {
	const { user, session } = requireUser(event);
	const { code } = await readJson(event.request, codeInput);
	return json(await confirmSetup(user.id, session.id, code));
});

export const fallback = methodNotAllowed;
