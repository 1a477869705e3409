import type { QueueChanged, QueueItem, ServerToClientEvents } from '@chorus/protocol';
import type { ChorusServer } from '../lib/handler.ts';
import { withVote, type ItemRow } from './room.store.ts';

export const roomKey = (roomId: string) => `room:${roomId}`;

interface UserVotes {
	/** The snapshot version the cache was filled from: older deltas are already in it. */
	seededAt: number;
	byItem: Map<string, CachedVote>;
}

interface CachedVote {
	value: -1 | 0 | 1;
	/** Room version the value is known at; an older snapshot never overwrites a newer vote. */
	version: number;
}

/**
 * Delivers room broadcasts. Most go to the Socket.IO room (all nodes through the adapter).
 * `queue:updated` is personalised (each member's own vote), so the queue travels to every node
 * once and each node renders it for its own sockets, from a cache of its users' votes.
 */
export class Fanout {
	readonly #io: ChorusServer;
	/** roomId -> userId -> votes, for users with a socket in the room on this node. */
	readonly #votes = new Map<string, Map<string, UserVotes>>();

	readonly #peersReachable: () => boolean;

	/**
	 * `peersReachable`: other nodes can be reached through the adapter right now (never with the
	 * in-memory adapter, which cannot serverSideEmit; not while Redis is down: nodes that miss
	 * an update see a version gap on the next one and resync).
	 */
	constructor(io: ChorusServer, peersReachable: () => boolean) {
		this.#io = io;
		this.#peersReachable = peersReachable;
		io.on('queue:changed', (changed) => this.#deliverQueue(changed));
	}

	emit<E extends keyof ServerToClientEvents>(
		roomId: string,
		event: E,
		...args: Parameters<ServerToClientEvents[E]>
	): void {
		this.#io.to(roomKey(roomId)).emit(event, ...args);
	}

	/** Sends the queue at `version` to every member on every node. */
	publishQueue(roomId: string, version: number, items: ItemRow[], vote?: QueueChanged['vote']) {
		const changed: QueueChanged = {
			roomId,
			version,
			queue: items.map((i) => withVote(i, 0)),
			...(vote ? { vote } : {})
		};
		this.#deliverQueue(changed);
		if (this.#peersReachable()) this.#io.serverSideEmit('queue:changed', changed);
	}

	/** Remembers a user's votes as of a snapshot taken at `version`. */
	seedVotes(roomId: string, userId: string, votes: Map<string, -1 | 1>, version: number): void {
		let room = this.#votes.get(roomId);
		if (!room) this.#votes.set(roomId, (room = new Map()));
		const previous = room.get(userId);
		const byItem = new Map<string, CachedVote>();
		for (const [itemId, value] of votes) byItem.set(itemId, { value, version });
		// Keep votes that arrived after the snapshot was read.
		for (const [itemId, cached] of previous?.byItem ?? []) {
			if (cached.version > version) byItem.set(itemId, cached);
		}
		room.set(userId, { seededAt: Math.max(version, previous?.seededAt ?? 0), byItem });
	}

	/** Drops the cache of a user with no socket left in the room on this node. */
	forget(roomId: string, userId: string): void {
		const room = this.#votes.get(roomId);
		room?.delete(userId);
		if (room?.size === 0) this.#votes.delete(roomId);
	}

	#deliverQueue(changed: QueueChanged): void {
		const room = this.#votes.get(changed.roomId);
		if (changed.vote && room) {
			const { userId, itemId, value } = changed.vote;
			const mine = room.get(userId);
			const cached = mine?.byItem.get(itemId);
			const fresh = mine && changed.version > mine.seededAt;
			if (fresh && (!cached || cached.version <= changed.version)) {
				mine.byItem.set(itemId, { value, version: changed.version });
			}
		}
		const socketIds = this.#io.of('/').adapter.rooms.get(roomKey(changed.roomId));
		if (!socketIds || socketIds.size === 0) return;
		// Group sockets by the votes they see so each distinct payload is encoded once.
		const groups = new Map<string, { ids: string[]; queue: QueueItem[] }>();
		for (const id of socketIds) {
			const socket = this.#io.of('/').sockets.get(id);
			if (!socket) continue;
			const votes = room?.get(socket.data.userId)?.byItem;
			let signature = '';
			if (votes) {
				for (const item of changed.queue) {
					const v = votes.get(item.id)?.value ?? 0;
					if (v !== 0) signature += `${item.id}${v > 0 ? '+' : '-'}`;
				}
			}
			let group = groups.get(signature);
			if (!group) {
				const queue = signature
					? changed.queue.map((i) => ({ ...i, myVote: votes?.get(i.id)?.value ?? 0 }))
					: changed.queue;
				groups.set(signature, (group = { ids: [], queue }));
			}
			group.ids.push(id);
		}
		for (const { ids, queue } of groups.values()) {
			this.#io.local
				.to(ids)
				.emit('queue:updated', { roomId: changed.roomId, version: changed.version, queue });
		}
	}
}
