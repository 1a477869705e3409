import { json } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { endpoint, methodNotAllowed, readOptionalJson } from '$lib/server/api/http';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { acceptInvite, acceptInviteInput } from '$lib/server/rooms/invites';

export const POST = endpoint(async ({ request, params, locals, cookies, getClientAddress }) => {
	const { displayName } = await readOptionalJson(request, acceptInviteInput);
	const meta = { ip: getClientAddress(), userAgent: request.headers.get('user-agent') };
	// Signed in: join as yourself (a display name in the body is ignored).
	let who: Parameters<typeof acceptInvite>[1];
	if (locals.user) who = { user: locals.user };
	else if (displayName) who = { displayName };
	else throw new ApiError(400, 'VALIDATION', 'displayName: Display name is required');
	const { room, user, session } = await acceptInvite(params.token!, who, meta);
	if (session) setSessionCookie(cookies, session.token, session.expiresAt);
	return json({ room, user });
});

export const fallback = methodNotAllowed;
