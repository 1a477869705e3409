import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { resendVerification } from '$lib/server/email/verification';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	await resendVerification(user, event.getClientAddress());
	return json({ sent: true }, { status: 202 });
});

export const fallback = methodNotAllowed;
