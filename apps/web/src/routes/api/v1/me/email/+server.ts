import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { emailChangeInput, requestEmailChange } from '$lib/server/email/email-change';

// The address changes only when the link sent to the new address is used.
export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const input = await readJson(event.request, emailChangeInput);
	await requestEmailChange(user.id, input, event.getClientAddress());
	return json({ sent: true }, { status: 202 });
});

export const fallback = methodNotAllowed;
