import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { createRoom, createRoomInput, listMyRooms } from '$lib/server/rooms/rooms';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json({ rooms: await listMyRooms(user) });
});

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const input = await readJson(event.request, createRoomInput);
	const room = await createRoom(user, input);
	return json({ room }, { status: 201, headers: { location: `/api/v1/rooms/${room.id}` } });
});

export const fallback = methodNotAllowed;
