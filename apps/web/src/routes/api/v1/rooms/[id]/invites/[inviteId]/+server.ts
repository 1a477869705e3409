import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { revokeInvite } from '$lib/server/rooms/invites';

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await revokeInvite(event.params.id!, event.params.inviteId!, user);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed;
