import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { getRoomForMember } from '$lib/server/rooms/rooms';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await getRoomForMember(event.params.id!, user));
});

export const fallback = methodNotAllowed;
