// Roles and moderation: who may do what to whom.
import {
	AppError,
	ROLE_RANK,
	type MemberSetRole,
	type MemberTarget,
	type PresenceStatus,
	type RoomMemberInfo
} from '@chorus/protocol';
import {
	forbidden,
	publishRoomInfo,
	type Actor,
	type Engine,
	type MutationCtx
} from '../engine/index.ts';
import {
	banMember,
	loadMemberCard,
	loadMembers,
	removeMember,
	setHost,
	setRole,
	type MemberCard
} from './members.store.ts';

type Empty = Record<string, never>;

export const withPresence = (
	rows: MemberCard[],
	present: Map<string, PresenceStatus>
): RoomMemberInfo[] => rows.map((m) => ({ ...m, presence: present.get(m.userId) ?? null }));

/** Broadcasts the member list (with live presence) once this mutation commits. */
export function publishMembers(m: MutationCtx): void {
	m.publish('members', async (tx, room) => {
		const rows = await loadMembers(tx, room.id);
		return async (c) => {
			const members = withPresence(rows, await c.presence());
			c.fanout.toRoom(room.id, 'members:updated', { roomId: room.id, version: c.version, members });
		};
	});
}

export async function targetMember(m: MutationCtx, userId: string): Promise<MemberCard> {
	const target = await loadMemberCard(m.tx, m.room.id, userId);
	if (!target) throw new AppError('NOT_FOUND', 'That person is not a member of this room');
	return target;
}

/** Moderation only reaches members of a lower rank, never yourself. */
export function assertOutranks(m: MutationCtx, target: MemberCard): void {
	if (target.userId === m.userId) throw new AppError('CONFLICT', 'You cannot do that to yourself');
	if (ROLE_RANK[m.member.role] <= ROLE_RANK[target.role]) {
		throw forbidden('You can only moderate members below your role');
	}
}

/** Tells a member they are out, then pulls their sockets out of the room on every node. */
export function removedFromRoom(
	m: MutationCtx,
	userId: string,
	reason: 'kicked' | 'banned' | 'left'
) {
	const roomId = m.room.id;
	m.after((c) => {
		c.fanout.toUser(userId, 'room:removed', { roomId, reason });
		c.fanout.evict(roomId, userId);
	});
}

export function changeRole(engine: Engine, actor: Actor, p: MemberSetRole): Promise<Empty> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('settings');
		const target = await targetMember(m, p.userId);
		assertOutranks(m, target);
		await setRole(m.tx, m.room.id, target.userId, p.role);
		publishMembers(m);
		return {};
	});
}

export function transferHost(engine: Engine, actor: Actor, p: MemberTarget): Promise<Empty> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		if (m.member.role !== 'host') throw forbidden('Only the host can hand the room over');
		const target = await targetMember(m, p.userId);
		if (target.userId === m.userId) throw new AppError('CONFLICT', 'You are already the host');
		await setHost(m.tx, m.room.id, target.userId, m.userId);
		publishRoomInfo(m);
		publishMembers(m);
		return {};
	});
}

export function remove(
	engine: Engine,
	actor: Actor,
	p: MemberTarget,
	reason: 'kicked' | 'banned'
): Promise<Empty> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('moderate');
		const target = await targetMember(m, p.userId);
		assertOutranks(m, target);
		await removeMember(m.tx, m.room.id, target.userId);
		if (reason === 'banned') await banMember(m.tx, m.room.id, target.userId, m.userId);
		removedFromRoom(m, target.userId, reason);
		publishMembers(m);
		return {};
	});
}
