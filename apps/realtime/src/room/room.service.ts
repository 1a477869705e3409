// A room as a whole: the snapshot a member joins with, settings, leaving, and re-broadcasting
// after the web app changed the room.
import {
	CHAT_HISTORY_MESSAGES,
	permissionsFor,
	toRoomInfo,
	type RoomInfo,
	type RoomLeave,
	type RoomSnapshot,
	type RoomUpdate
} from '@chorus/protocol';
import {
	forbidden,
	loadRoom,
	publishRoomInfo,
	serverNowMs,
	type Actor,
	type Engine
} from '../engine/index.ts';
import { loadChat } from '../chat/chat.store.ts';
import { publishMembers, removedFromRoom, withPresence } from '../members/members.service.ts';
import {
	closeRoom,
	listMembers,
	loadMember,
	loadMembers,
	removeMember,
	setHost
} from '../members/members.store.ts';
import { playbackState, publishPlayback } from '../playback/playback.service.ts';
import { publishQueue } from '../queue/queue.service.ts';
import { loadMyVotes, loadQueue, withVote } from '../queue/queue.store.ts';
import { updateRoom } from './room.store.ts';

type Empty = Record<string, never>;

/** A consistent picture of the room at one version (one repeatable-read transaction). */
export async function snapshot(
	engine: Engine,
	userId: string,
	roomId: string
): Promise<RoomSnapshot> {
	const present = await engine.presence.of(roomId);
	return engine.db.$transaction(
		async (tx) => {
			const room = await loadRoom(tx, roomId);
			const member = room && !room.closed ? await loadMember(tx, roomId, userId) : null;
			if (!room || !member) throw forbidden();
			const [members, queue, votes, chat, playback] = await Promise.all([
				loadMembers(tx, roomId),
				loadQueue(tx, room),
				loadMyVotes(tx, roomId, userId),
				loadChat(tx, roomId, CHAT_HISTORY_MESSAGES),
				playbackState(tx, room, present.size)
			]);
			return {
				room: toRoomInfo(room),
				me: {
					userId,
					role: member.role,
					isGuest: member.isGuest,
					permissions: permissionsFor(member.role, room.settings, member),
					mutedUntil:
						member.mutedUntil && member.mutedUntil > new Date()
							? member.mutedUntil.toISOString()
							: null
				},
				members: withPresence(members, present),
				queue: queue.map((i) => withVote(i, votes.get(i.id) ?? 0)),
				playback,
				chat,
				version: room.version,
				serverTime: serverNowMs()
			};
		},
		{ isolationLevel: 'RepeatableRead', maxWait: 10_000, timeout: 15_000 }
	);
}

export function update(engine: Engine, actor: Actor, p: RoomUpdate): Promise<{ room: RoomInfo }> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('settings');
		await updateRoom(m.tx, m.room.id, p);
		publishRoomInfo(m);
		// Fair rotation changes the order; the add policy and controls change permissions.
		publishQueue(m);
		publishMembers(m);
		return { room: toRoomInfo((await loadRoom(m.tx, m.room.id))!) };
	});
}

/** Leaving for good: membership goes; a host hands over to someone present first. */
export async function leave(engine: Engine, actor: Actor, p: RoomLeave): Promise<Empty> {
	const present = new Set((await engine.presence.of(p.roomId)).keys());
	present.delete(actor.userId);
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		await removeMember(m.tx, m.room.id, m.userId);
		if (m.member.role === 'host') {
			const rest = await listMembers(m.tx, m.room.id);
			const rank = (x: { userId: string; role: string }) =>
				(present.has(x.userId) ? 2 : 0) + (x.role === 'cohost' ? 1 : 0);
			// Stable sort keeps "earliest joined" as the tie-break.
			const heir = [...rest].sort((a, b) => rank(b) - rank(a))[0];
			if (heir) await setHost(m.tx, m.room.id, heir.userId, null);
			else await closeRoom(m.tx, m.room.id);
			publishRoomInfo(m);
		}
		publishMembers(m);
		removedFromRoom(m, m.userId, 'left');
		return {};
	});
}

/**
 * The web app changed a room outside any socket command (an account was deleted: members,
 * votes, host). It bumped the version to `version` and notified every node; the first node
 * to get here re-renders the whole state at the next version, the others find it done.
 */
export async function refreshAfterExternalChange(
	engine: Engine,
	roomId: string,
	version: number
): Promise<void> {
	await engine.mutateAsSystem(
		roomId,
		async (room) => room.version === version,
		async (m) => {
			publishRoomInfo(m);
			publishMembers(m);
			publishQueue(m);
			publishPlayback(m);
		}
	);
}
