// Live presence: who is in the room and how (joined, listening, away), and device counts.
import type { RoomMemberInfo } from '@chorus/protocol';
import { userRoom, type Engine } from '../engine/index.ts';
import { loadMemberCard } from '../members/members.store.ts';

/** Tells the room one member's presence. */
export function presenceUpdated(engine: Engine, roomId: string, member: RoomMemberInfo): void {
	const { userId, displayName, role, isGuest, presence } = member;
	engine.fanout.toRoom(roomId, 'presence:updated', {
		roomId,
		userId,
		displayName,
		role,
		isGuest,
		presence
	});
}

/** Tells the room a member's presence now (their best over all sockets on all nodes). */
export async function announce(engine: Engine, roomId: string, userId: string): Promise<void> {
	const [present, member] = await Promise.all([
		engine.presence.of(roomId),
		loadMemberCard(engine.db, roomId, userId)
	]);
	if (member) presenceUpdated(engine, roomId, { ...member, presence: present.get(userId) ?? null });
}

/**
 * Tells every socket of a user how many sockets that user has open, across all nodes
 * (fetchSockets goes through the adapter, so with Redis it counts every node).
 */
export async function publishDevices(engine: Engine, userId: string): Promise<void> {
	try {
		// While Redis is down only this node can be counted (and asking would queue forever).
		const sockets = engine.peersReachable()
			? await engine.io.in(userRoom(userId)).fetchSockets()
			: await engine.io.local.in(userRoom(userId)).fetchSockets();
		engine.fanout.toUser(userId, 'devices:state', { connections: sockets.length });
	} catch (err) {
		engine.logger('presence').warn({ err }, 'could not count user sockets');
	}
}
