// The shared machinery every room feature uses: presence lookups, snapshots, and the mutation
// runner (lock room -> idempotency -> authorize -> change -> bump version -> commit -> broadcast).
import type { Db } from '@chorus/db';
import {
	AppError,
	CHAT_HISTORY_MESSAGES,
	can,
	permissionsFor,
	skipVotesNeeded,
	type Permission,
	type PlaybackState,
	type PresenceEntry,
	type PresenceStatus,
	type RoomMemberInfo,
	type RoomSnapshot,
	type ServerToClientEvents,
	type SocketData
} from '@chorus/protocol';
import { serverNowMs } from '../clock/clock.handlers.ts';
import type { ChorusServer } from '../lib/handler.ts';
import type { Logger } from '../logger.ts';
import { userRoom } from '../presence/devices.ts';
import { Fanout, roomKey } from './fanout.ts';
import {
	commitVersion,
	loadChat,
	loadItem,
	loadMember,
	loadMembers,
	loadMyVotes,
	loadQueue,
	loadRoom,
	loadSkipVoters,
	lockForMutation,
	recordMutation,
	roomInfo,
	withVote,
	type ItemRow,
	type MemberRow,
	type RoomRow,
	type Tx
} from './room.store.ts';

export const forbidden = (message = 'You are not a member of this room') =>
	new AppError('FORBIDDEN', message);

const PRESENCE_QUERY_TIMEOUT_MS = 1_000;

const entry = (data: SocketData, roomId: string): PresenceEntry[] => {
	const status = data.rooms?.[roomId];
	return status ? [[data.userId, status, data.rttMs ?? null]] : [];
};

/** Rejects after `ms`; the losing promise's own rejection is swallowed, not left unhandled. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	promise.catch(() => {});
	return Promise.race([
		promise,
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
		})
	]).finally(() => clearTimeout(timer));
}
const withPresence = (
	rows: Omit<RoomMemberInfo, 'presence'>[],
	present: Map<string, PresenceStatus>
): RoomMemberInfo[] => rows.map((m) => ({ ...m, presence: present.get(m.userId) ?? null }));

/** Effects that carry a whole domain's state: rendering one twice would send it twice. */
const STATE_EFFECTS = new Set<Effect['kind']>(['queue', 'members', 'playback']);

const PRESENCE_RANK: Record<PresenceStatus, number> = { listening: 3, joined: 2, away: 1 };

/** Something to send once the transaction committed. */
export type Effect =
	| {
			kind: 'queue';
			items?: ItemRow[];
			vote?: { userId: string; itemId: string; value: -1 | 0 | 1 };
	  }
	| { kind: 'room'; event: keyof ServerToClientEvents; payload: unknown }
	| { kind: 'members'; rows?: Omit<RoomMemberInfo, 'presence'>[] }
	| { kind: 'playback'; state?: PlaybackState }
	| { kind: 'user'; userId: string; event: keyof ServerToClientEvents; payload: unknown }
	| { kind: 'evict'; userId: string };

export interface MutationCtx {
	tx: Tx;
	room: RoomRow;
	member: MemberRow;
	userId: string;
	version: number;
	effects: Effect[];
	require(permission: Permission): void;
}

export interface Actor {
	userId: string;
}

export class RoomContext {
	readonly db: Db;
	readonly io: ChorusServer;
	readonly fanout: Fanout;
	readonly log: Logger;

	readonly #peersReachable: () => boolean;

	constructor(db: Db, io: ChorusServer, peersReachable: () => boolean, log: Logger) {
		this.db = db;
		this.io = io;
		this.fanout = new Fanout(io, peersReachable);
		this.log = log;
		this.#peersReachable = peersReachable;
		io.on('presence:query', (roomId, reply) => reply(this.localSockets(roomId)));
	}

	/**
	 * Every socket in the room across all nodes, as [userId, presence, rttMs] entries. Each node
	 * answers for its own sockets with this compact list (fetchSockets would ship every socket's
	 * handshake); if a node does not answer in time (it just died), fetchSockets decides.
	 */
	async roomSockets(roomId: string): Promise<PresenceEntry[]> {
		const local = this.localSockets(roomId);
		// Single node, or Redis is down: only this node's sockets can be known.
		if (!this.#peersReachable()) return local;
		try {
			const replies = await withTimeout(
				this.io.serverSideEmitWithAck('presence:query', roomId),
				PRESENCE_QUERY_TIMEOUT_MS
			);
			return [...local, ...replies.flat()];
		} catch {
			const sockets = await withTimeout(
				this.io.in(roomKey(roomId)).fetchSockets(),
				PRESENCE_QUERY_TIMEOUT_MS
			).catch(() => []);
			return sockets.flatMap((s) => entry(s.data, roomId));
		}
	}

	/** Who is in the room right now, across every node, with their best presence. */
	async presence(roomId: string): Promise<Map<string, PresenceStatus>> {
		const out = new Map<string, PresenceStatus>();
		for (const [userId, status] of await this.roomSockets(roomId)) {
			const current = out.get(userId);
			if (!current || PRESENCE_RANK[status] > PRESENCE_RANK[current]) out.set(userId, status);
		}
		return out;
	}

	/** This node's sockets in the room. */
	localSockets(roomId: string): PresenceEntry[] {
		const ids = this.io.of('/').adapter.rooms.get(roomKey(roomId));
		return [...(ids ?? [])].flatMap((id) => {
			const data = this.io.of('/').sockets.get(id)?.data;
			return data ? entry(data, roomId) : [];
		});
	}

	async members(tx: Tx, roomId: string, present: Map<string, PresenceStatus>) {
		return withPresence(await loadMembers(tx, roomId), present);
	}

	async playback(tx: Tx, room: RoomRow, presentCount: number): Promise<PlaybackState> {
		const item = room.currentItemId ? await loadItem(tx, room.id, room.currentItemId) : null;
		return {
			itemId: item?.id ?? null,
			trackId: item?.trackId ?? null,
			track: item?.track ?? null,
			addedBy: item?.addedBy ?? null,
			anchorMs: room.anchorMs,
			positionMs: room.positionMs,
			paused: room.paused,
			skipVoterIds: item ? await loadSkipVoters(tx, item.id) : [],
			skipNeeded: skipVotesNeeded(presentCount, room.settings.skipThresholdPercent)
		};
	}

	/** A consistent picture of the room at one version (one repeatable-read transaction). */
	async snapshot(userId: string, roomId: string): Promise<RoomSnapshot> {
		const present = await this.presence(roomId);
		return this.db.$transaction(
			async (tx) => {
				const room = await loadRoom(tx, roomId);
				const member = room && !room.closed ? await loadMember(tx, roomId, userId) : null;
				if (!room || !member) throw forbidden();
				const [members, queue, votes, chat, playback] = await Promise.all([
					this.members(tx, roomId, present),
					loadQueue(tx, room),
					loadMyVotes(tx, roomId, userId),
					loadChat(tx, roomId, CHAT_HISTORY_MESSAGES),
					this.playback(tx, room, present.size)
				]);
				this.fanout.seedVotes(roomId, userId, votes, room.version);
				return {
					room: roomInfo(room),
					me: {
						userId,
						role: member.role,
						permissions: permissionsFor(member.role, room.settings),
						mutedUntil:
							member.mutedUntil && member.mutedUntil > new Date()
								? member.mutedUntil.toISOString()
								: null
					},
					members,
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

	/**
	 * Runs one mutation: the room row lock serialises a room's mutations (so versions are
	 * contiguous and every broadcast reflects the state at its version), a retried mutation id
	 * returns the stored result, and broadcasts go out only after the commit.
	 */
	async mutate<R>(
		actor: Actor,
		roomId: string,
		mutationId: string,
		change: (m: MutationCtx) => Promise<R>
	): Promise<R> {
		const effects: Effect[] = [];
		const outcome = await this.db.$transaction(
			async (tx) => {
				const locked = await lockForMutation(tx, roomId, actor.userId, mutationId);
				if (!locked || locked.room.closed) throw forbidden();
				if (locked.replay) return { replay: true as const, result: locked.replay.result as R };
				const { room, member } = locked;
				if (!member) throw forbidden();
				// The row lock is held: the next version is ours; it is written with the changes.
				const version = room.version + 1;
				const ctx: MutationCtx = {
					tx,
					room: { ...room, version },
					member,
					userId: actor.userId,
					version,
					effects,
					require(permission) {
						if (!can(member.role, permission, room.settings)) {
							throw forbidden(`Your role in this room does not allow that (${permission})`);
						}
					}
				};
				const result = await change(ctx);
				await this.#render(tx, ctx);
				await recordMutation(tx, roomId, actor.userId, mutationId, result);
				return { replay: false as const, result, room: ctx.room };
			},
			{ maxWait: 10_000, timeout: 15_000 }
		);
		if (!outcome.replay) await this.#apply(roomId, outcome.room, effects);
		return outcome.result;
	}

	/**
	 * A change nobody asked for (the track ended): no actor, no mutation id. `due` is re-checked
	 * under the row lock, so when several nodes race for the same room it happens exactly once.
	 * A room locked by another node is skipped; the next tick sees it again.
	 */
	async mutateAsSystem(
		roomId: string,
		due: (room: RoomRow, tx: Tx) => Promise<boolean>,
		change: (m: MutationCtx) => Promise<void>
	): Promise<boolean> {
		const effects: Effect[] = [];
		const outcome = await this.db.$transaction(
			async (tx) => {
				const room = await loadRoom(tx, roomId, 'skip-locked');
				if (!room || room.closed || !(await due(room, tx))) return null;
				const version = room.version + 1;
				const ctx: MutationCtx = {
					tx,
					room: { ...room, version },
					member: { userId: '', role: 'host', mutedUntil: null, joinedAt: new Date(0) },
					userId: '',
					version,
					effects,
					require() {}
				};
				await change(ctx);
				await this.#render(tx, ctx);
				return ctx.room;
			},
			{ maxWait: 10_000, timeout: 15_000 }
		);
		if (outcome) await this.#apply(roomId, outcome, effects);
		return outcome !== null;
	}

	/**
	 * Writes the version; state broadcasts are rendered in the transaction, at that version.
	 * Each state (queue, members, playback) goes out once per mutation, however many of its
	 * steps asked for it (adding a track may also start playback, which touches the queue).
	 */
	async #render(tx: Tx, ctx: MutationCtx): Promise<void> {
		ctx.room = await commitVersion(tx, ctx.room.id, ctx.version);
		const seen = new Set<Effect['kind']>();
		const once = ctx.effects.filter((e) => {
			if (!STATE_EFFECTS.has(e.kind)) return true;
			if (seen.has(e.kind)) return false;
			seen.add(e.kind);
			return true;
		});
		ctx.effects.splice(0, ctx.effects.length, ...once);
		for (const e of ctx.effects) {
			if (e.kind === 'queue') e.items = await loadQueue(tx, ctx.room);
			else if (e.kind === 'members') e.rows = await loadMembers(tx, ctx.room.id);
			else if (e.kind === 'playback') e.state = await this.playback(tx, ctx.room, 0);
		}
	}

	async #apply(roomId: string, room: RoomRow, effects: Effect[]): Promise<void> {
		const version = room.version;
		// Live presence, asked of the other nodes at most once per mutation.
		let present: Promise<Map<string, PresenceStatus>> | undefined;
		const presence = () => (present ??= this.presence(roomId));
		for (const e of effects) {
			try {
				switch (e.kind) {
					case 'queue':
						this.fanout.publishQueue(roomId, version, e.items!, e.vote);
						break;
					case 'room':
						this.io.to(roomKey(roomId)).emit(e.event, e.payload as never);
						break;
					case 'members': {
						const members = withPresence(e.rows!, await presence());
						this.io.to(roomKey(roomId)).emit('members:updated', { roomId, version, members });
						break;
					}
					case 'playback': {
						// Presence (live, not versioned) decides the skip threshold.
						const present = await presence();
						const playback = {
							...e.state!,
							skipNeeded: skipVotesNeeded(present.size, room.settings.skipThresholdPercent)
						};
						this.io
							.to(roomKey(roomId))
							.emit('playback:state', { roomId, version, playback, serverTime: serverNowMs() });
						break;
					}
					case 'user':
						this.io.to(userRoom(e.userId)).emit(e.event, e.payload as never);
						break;
					case 'evict':
						this.io.in(userRoom(e.userId)).socketsLeave(roomKey(roomId));
						break;
				}
			} catch (err) {
				// The change is committed; clients that miss this catch up on their next version gap.
				this.log.warn({ err, roomId, effect: e.kind }, 'broadcast failed');
			}
		}
	}
}

export type { ItemRow, MemberRow, RoomRow, Tx };
