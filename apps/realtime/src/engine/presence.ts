// Who is in a room right now, across every node. Presence is live socket state, never stored.
import type { PresenceEntry, PresenceStatus, SocketData } from '@chorus/protocol';
import { roomKey, type ChorusServer } from './types.ts';

const PRESENCE_QUERY_TIMEOUT_MS = 1_000;
const PRESENCE_RANK: Record<PresenceStatus, number> = { listening: 3, joined: 2, away: 1 };

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

export class Presence {
	readonly #io: ChorusServer;
	readonly #peersReachable: () => boolean;
	readonly #clustered: boolean;

	constructor(io: ChorusServer, peersReachable: () => boolean, clustered: boolean) {
		this.#io = io;
		this.#peersReachable = peersReachable;
		this.#clustered = clustered;
		io.on('presence:query', (roomId, reply) => reply(this.local(roomId)));
		io.on('presence:listened', (roomIds, reply) => reply(this.#listenedHere(roomIds)));
	}

	/**
	 * In which of these rooms someone is listening (audio playing on their device), on any node;
	 * null when that cannot be known (Redis is down, or a node did not answer): "nobody" is
	 * only reported when it is certain.
	 */
	async listened(roomIds: string[]): Promise<Set<string> | null> {
		const here = this.#listenedHere(roomIds);
		if (!this.#clustered) return new Set(here);
		if (!this.#peersReachable()) return null;
		try {
			const replies = await withTimeout(
				this.#io.serverSideEmitWithAck('presence:listened', roomIds),
				PRESENCE_QUERY_TIMEOUT_MS
			);
			return new Set([...here, ...replies.flat()]);
		} catch {
			return null;
		}
	}

	#listenedHere(roomIds: string[]): string[] {
		return roomIds.filter((id) => this.local(id).some(([, status]) => status === 'listening'));
	}

	/**
	 * Every socket in the room across all nodes, as [userId, presence, rttMs] entries. Each node
	 * answers for its own sockets with this compact list (fetchSockets would ship every socket's
	 * handshake); if a node does not answer in time (it just died), fetchSockets decides.
	 */
	async sockets(roomId: string): Promise<PresenceEntry[]> {
		const local = this.local(roomId);
		// Single node, or Redis is down: only this node's sockets can be known.
		if (!this.#peersReachable()) return local;
		try {
			const replies = await withTimeout(
				this.#io.serverSideEmitWithAck('presence:query', roomId),
				PRESENCE_QUERY_TIMEOUT_MS
			);
			return [...local, ...replies.flat()];
		} catch {
			const sockets = await withTimeout(
				this.#io.in(roomKey(roomId)).fetchSockets(),
				PRESENCE_QUERY_TIMEOUT_MS
			).catch(() => []);
			return sockets.flatMap((s) => entry(s.data, roomId));
		}
	}

	/** Who is in the room, across every node, each with their best presence over their sockets. */
	async of(roomId: string): Promise<Map<string, PresenceStatus>> {
		const out = new Map<string, PresenceStatus>();
		for (const [userId, status] of await this.sockets(roomId)) {
			const current = out.get(userId);
			if (!current || PRESENCE_RANK[status] > PRESENCE_RANK[current]) out.set(userId, status);
		}
		return out;
	}

	/** This node's sockets in the room. */
	local(roomId: string): PresenceEntry[] {
		const ids = this.#io.of('/').adapter.rooms.get(roomKey(roomId));
		return [...(ids ?? [])].flatMap((id) => {
			const data = this.#io.of('/').sockets.get(id)?.data;
			return data ? entry(data, roomId) : [];
		});
	}

	/** True when this node has a socket of `userId` in the room. */
	hasLocal(roomId: string, userId: string): boolean {
		return this.local(roomId).some(([id]) => id === userId);
	}

	/** True when this node serves the room (some socket here joined it). */
	serves(roomId: string): boolean {
		return (this.#io.of('/').adapter.rooms.get(roomKey(roomId))?.size ?? 0) > 0;
	}
}
