import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readQuery, requireUser } from '$lib/server/api/http';
import { listRoomTracks, roomTracksQuery } from '$lib/server/rooms/room-tracks';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	return json(await listRoomTracks(event.params.id!, user, readQuery(event.url, roomTracksQuery)));
});

export const fallback = methodNotAllowed;
