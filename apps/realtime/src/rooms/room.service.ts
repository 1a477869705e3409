import {
	AppError,
	ROLE_RANK,
	type MemberSetRole,
	type MemberTarget,
	type RoomInfo,
	type RoomLeave,
	type RoomUpdate
} from '@chorus/protocol';
import type { Actor, MutationCtx, RoomContext } from './room.context.ts';
import { forbidden } from './room.context.ts';
import { loadRoom, roomInfo, type Tx } from './room.store.ts';

type Empty = Record<string, never>;

async function targetMember(m: MutationCtx, userId: string) {
	const target = await m.tx.roomMember.findUnique({
		where: { roomId_userId: { roomId: m.room.id, userId } },
		select: { userId: true, role: true, joinedAt: true }
	});
	if (!target) throw new AppError('NOT_FOUND', 'That person is not a member of this room');
	return target;
}

/** Moderation only reaches members of a lower rank, never yourself. */
function assertOutranks(m: MutationCtx, target: { userId: string; role: keyof typeof ROLE_RANK }) {
	if (target.userId === m.userId) throw new AppError('CONFLICT', 'You cannot do that to yourself');
	if (ROLE_RANK[m.member.role] <= ROLE_RANK[target.role]) {
		throw forbidden('You can only moderate members below your role');
	}
}

export class RoomService {
	constructor(private readonly rooms: RoomContext) {}

	/**
	 * The web app changed a room outside any socket command (an account was deleted: members,
	 * votes, host). It bumped the version to `version` and notified every node; the first node
	 * to get here re-renders the whole state at the next version, the others find it done.
	 */
	async refreshAfterExternalChange(roomId: string, version: number): Promise<void> {
		await this.rooms.mutateAsSystem(
			roomId,
			async (room) => room.version === version,
			async (m) => {
				await pushRoomUpdated(m);
				m.effects.push({ kind: 'queue' }, { kind: 'playback' });
			}
		);
	}

	update(actor: Actor, p: RoomUpdate): Promise<{ room: RoomInfo }> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('settings');
			await m.tx.room.update({
				where: { id: m.room.id },
				data: { name: p.name, description: p.description, ...p.settings }
			});
			const room = roomInfo((await loadRoom(m.tx, m.room.id))!);
			m.effects.push({ kind: 'room', event: 'room:updated', payload: roomUpdated(m, room) });
			// Fair rotation changes the order; the add policy and controls change permissions.
			m.effects.push({ kind: 'queue' }, { kind: 'members' });
			return { room };
		});
	}

	setRole(actor: Actor, p: MemberSetRole): Promise<Empty> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('settings');
			const target = await targetMember(m, p.userId);
			assertOutranks(m, target);
			await m.tx.roomMember.update({
				where: { roomId_userId: { roomId: m.room.id, userId: target.userId } },
				data: { role: p.role }
			});
			m.effects.push({ kind: 'members' });
			return {};
		});
	}

	transferHost(actor: Actor, p: MemberTarget): Promise<Empty> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			if (m.member.role !== 'host') throw forbidden('Only the host can hand the room over');
			const target = await targetMember(m, p.userId);
			if (target.userId === m.userId) throw new AppError('CONFLICT', 'You are already the host');
			await setHost(m.tx, m.room.id, target.userId, m.userId);
			await pushRoomUpdated(m);
			return {};
		});
	}

	kick(actor: Actor, p: MemberTarget): Promise<Empty> {
		return this.#remove(actor, p, 'kicked');
	}

	ban(actor: Actor, p: MemberTarget): Promise<Empty> {
		return this.#remove(actor, p, 'banned');
	}

	#remove(actor: Actor, p: MemberTarget, reason: 'kicked' | 'banned'): Promise<Empty> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('moderate');
			const target = await targetMember(m, p.userId);
			assertOutranks(m, target);
			await m.tx.roomMember.delete({
				where: { roomId_userId: { roomId: m.room.id, userId: target.userId } }
			});
			if (reason === 'banned') {
				await m.tx.roomBan.upsert({
					where: { roomId_userId: { roomId: m.room.id, userId: target.userId } },
					create: { roomId: m.room.id, userId: target.userId, bannedBy: m.userId },
					update: {}
				});
			}
			// Tell them first, then pull their sockets out of the room on every node.
			m.effects.push(
				{
					kind: 'user',
					userId: target.userId,
					event: 'room:removed',
					payload: { roomId: m.room.id, reason }
				},
				{ kind: 'evict', userId: target.userId },
				{ kind: 'members' }
			);
			return {};
		});
	}

	/** Leaving for good: membership goes; a host hands over to someone present first. */
	leave(actor: Actor, p: RoomLeave, present: Set<string>): Promise<Empty> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			await m.tx.roomMember.delete({
				where: { roomId_userId: { roomId: m.room.id, userId: m.userId } }
			});
			if (m.member.role === 'host') {
				const rest = await m.tx.roomMember.findMany({
					where: { roomId: m.room.id },
					orderBy: { joinedAt: 'asc' },
					select: { userId: true, role: true }
				});
				const rank = (x: { userId: string; role: string }) =>
					(present.has(x.userId) ? 2 : 0) + (x.role === 'cohost' ? 1 : 0);
				// Stable sort keeps "earliest joined" as the tie-break.
				const heir = [...rest].sort((a, b) => rank(b) - rank(a))[0];
				if (heir) {
					await setHost(m.tx, m.room.id, heir.userId, null);
				} else {
					await m.tx.room.update({
						where: { id: m.room.id },
						data: { hostId: null, closedAt: new Date() }
					});
				}
				await pushRoomUpdated(m);
			} else {
				m.effects.push({ kind: 'members' });
			}
			m.effects.push(
				{
					kind: 'user',
					userId: m.userId,
					event: 'room:removed',
					payload: { roomId: m.room.id, reason: 'left' }
				},
				{ kind: 'evict', userId: m.userId }
			);
			return {};
		});
	}
}

const roomUpdated = (m: MutationCtx, room: RoomInfo) => ({
	roomId: m.room.id,
	version: m.version,
	room
});

async function pushRoomUpdated(m: MutationCtx) {
	const room = roomInfo((await loadRoom(m.tx, m.room.id))!);
	m.effects.push(
		{ kind: 'room', event: 'room:updated', payload: roomUpdated(m, room) },
		{ kind: 'members' }
	);
}

/** Makes `userId` the host; the previous host (if still a member) becomes a co-host. */
async function setHost(tx: Tx, roomId: string, userId: string, previous: string | null) {
	if (previous) {
		await tx.roomMember.update({
			where: { roomId_userId: { roomId, userId: previous } },
			data: { role: 'cohost' }
		});
	}
	await tx.roomMember.update({
		where: { roomId_userId: { roomId, userId } },
		data: { role: 'host' }
	});
	await tx.room.update({ where: { id: roomId }, data: { hostId: userId } });
}
