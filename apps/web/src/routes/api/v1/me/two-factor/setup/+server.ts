import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readOptionalJson, requireUser } from '$lib/server/api/http';
import { beginSetup, setupInput } from '$lib/server/auth/two-factor';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { password } = await readOptionalJson(event.request, setupInput);
	return json(await beginSetup(user.id, password));
});

export const fallback = methodNotAllowed;
