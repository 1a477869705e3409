import { error } from '@sveltejs/kit';
import { requireSignIn } from '$lib/library/api.server';
import { getDb } from '$lib/server/db';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Just enough for the first paint (name, description); everything live comes from `room:join`.
 * Unknown, closed and not-my-room all answer the same 404, as the realtime service does: a
 * room's existence is not disclosed to people outside it.
 */
export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	const userId = event.locals.user!.id;
	const notFound = () =>
		error(404, {
			message:
				'This room does not exist, has closed, or you are not a member. Ask the host for an invite link.',
			code: 'ROOM_NOT_FOUND'
		});
	if (!UUID.test(event.params.id)) notFound();
	const member = await getDb().roomMember.findUnique({
		where: { roomId_userId: { roomId: event.params.id, userId } },
		select: {
			role: true,
			room: { select: { id: true, name: true, description: true, closedAt: true } }
		}
	});
	if (!member || member.room.closedAt) notFound();
	const { room } = member!;
	return {
		room: { id: room.id, name: room.name, description: room.description },
		role: member!.role
	};
};
