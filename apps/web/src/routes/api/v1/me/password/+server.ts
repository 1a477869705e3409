import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { changePassword, passwordChangeInput } from '$lib/server/account/sessions';

export const POST = endpoint(async (event) => {
	const { user, session } = requireUser(event);
	await changePassword(user.id, session.id, await readJson(event.request, passwordChangeInput));
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
