import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readOptionalJson, requireUser } from '$lib/server/api/http';
import { createInvite, createInviteInput, listInvites } from '$lib/server/rooms/invites';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json({ invites: await listInvites(event.params.id!, user) });
});

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const input = await readOptionalJson(event.request, createInviteInput);
	return json({ invite: await createInvite(event.params.id!, user, input) }, { status: 201 });
});

export const fallback = methodNotAllowed;
