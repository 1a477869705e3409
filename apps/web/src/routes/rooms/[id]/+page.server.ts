import { error } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { requireSignIn } from '$lib/server/pages';
import { findMembership } from '$lib/server/rooms/rooms';
import type { PageServerLoad } from './$types';

/**
 * Just enough for the first paint (name, description); everything live comes from `room:join`.
 * Unknown, closed and not-my-room all answer the same 404, as the realtime service does: a
 * room's existence is not disclosed to people outside it.
 */
export const load: PageServerLoad = async (event) => {
	const user = requireSignIn(event);
	try {
		const { room, role } = await findMembership(event.params.id, user.id);
		return { room: { id: room.id, name: room.name, description: room.description }, role };
	} catch (err) {
		if (!(err instanceof ApiError && err.status === 404)) throw err;
		error(404, {
			message:
				'This room does not exist, has closed, or you are not a member. Ask the host for an invite link.',
			code: 'ROOM_NOT_FOUND'
		});
	}
};
