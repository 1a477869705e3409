// Self-healing for missed broadcasts: a node that died between commit and broadcast, or a Redis
// outage, leaves some clients behind with nothing newer to show them the gap. Each node tells
// its own sockets, now and then and whenever its Redis link comes back, each room's version in
// PostgreSQL; a client behind it syncs.
import type { Db } from '@chorus/db';
import type { Logger } from '../logger.ts';
import { roomKey, type ChorusServer } from './types.ts';

export const VERSION_BEACON_MS = 5_000;
const ROOM_PREFIX = roomKey('');

export class VersionBeacon {
	readonly #db: Db;
	readonly #io: ChorusServer;
	readonly #log: Logger;
	#timer: NodeJS.Timeout | null = null;
	#running: Promise<void> | null = null;

	constructor(db: Db, io: ChorusServer, log: Logger) {
		this.#db = db;
		this.#io = io;
		this.#log = log;
	}

	start(intervalMs: number = VERSION_BEACON_MS): void {
		this.#timer = setInterval(() => void this.announce(), intervalMs);
		this.#timer.unref();
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
	}

	/** Sends `room:version` to this node's sockets of every room it serves. */
	announce(): Promise<void> {
		return (this.#running ??= this.#announce()
			.catch((err: unknown) => this.#log.warn({ err }, 'could not announce room versions'))
			.finally(() => (this.#running = null)));
	}

	async #announce(): Promise<void> {
		const ids = [...this.#io.of('/').adapter.rooms.keys()]
			.filter((k) => k.startsWith(ROOM_PREFIX))
			.map((k) => k.slice(ROOM_PREFIX.length));
		if (ids.length === 0) return;
		const rows = await this.#db.$queryRaw<{ id: string; version: bigint }[]>`
			SELECT id, version FROM rooms WHERE id = ANY(${ids}::uuid[])`;
		for (const { id, version } of rows) {
			this.#io.local.to(roomKey(id)).emit('room:version', { roomId: id, version: Number(version) });
		}
	}
}
