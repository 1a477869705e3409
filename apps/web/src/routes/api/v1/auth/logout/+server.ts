import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { logout } from '$lib/server/auth/service';

export const POST = endpoint(async (event) => {
	const { session } = requireUser(event);
	await logout(session.id);
	clearSessionCookie(event.cookies);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
