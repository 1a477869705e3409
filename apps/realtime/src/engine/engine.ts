// The room engine: what every feature slice builds on. It knows rooms, versions, members'
// permissions, presence and broadcasts, and nothing of any feature (no slice is imported here).
import type { Db } from '@chorus/db';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { Fanout } from './fanout.ts';
import { MutationRunner, type Hook, type MutationCtx } from './mutations.ts';
import type { RoomRow } from './mutations.store.ts';
import { listenForNotices, noNotices, type Notices } from './notices.ts';
import { Presence } from './presence.ts';
import type { Actor, ChorusServer, EventBudget, Tx } from './types.ts';
import { VersionBeacon } from './versions.ts';

export interface EngineDeps {
	db: Db;
	io: ChorusServer;
	logger: Logger;
	metrics: Metrics;
	/** Other nodes can be reached through the adapter right now (never with the in-memory one). */
	peersReachable: () => boolean;
	/** Several nodes may serve rooms (the Redis adapter); false = this node sees every socket. */
	clustered: boolean;
	/** Per-user event budget, spent by every command. */
	budget: EventBudget;
	/** A dedicated LISTEN connection for PostgreSQL notices; omitted = none arrive. */
	databaseUrl?: string;
}

export class Engine {
	readonly db: Db;
	readonly io: ChorusServer;
	readonly log: Logger;
	readonly metrics: Metrics;
	readonly budget: EventBudget;
	readonly presence: Presence;
	readonly fanout: Fanout;
	readonly notices: Notices;
	/** Tells local sockets their rooms' versions (periodically; call announce() after outages). */
	readonly versions: VersionBeacon;
	readonly peersReachable: () => boolean;
	readonly #runner: MutationRunner;

	constructor(deps: EngineDeps) {
		this.db = deps.db;
		this.io = deps.io;
		this.log = deps.logger;
		this.metrics = deps.metrics;
		this.budget = deps.budget;
		this.peersReachable = deps.peersReachable;
		this.presence = new Presence(deps.io, deps.peersReachable, deps.clustered);
		this.fanout = new Fanout(deps.io, deps.metrics);
		this.notices = deps.databaseUrl
			? listenForNotices(deps.databaseUrl, deps.logger.child({ module: 'notices' }))
			: noNotices();
		this.versions = new VersionBeacon(deps.db, deps.io, deps.logger.child({ module: 'versions' }));
		this.#runner = new MutationRunner(
			deps.db,
			this.fanout,
			this.presence,
			deps.logger.child({ module: 'mutations' })
		);
	}

	/** A child logger for one slice or module. */
	logger(module: string): Logger {
		return this.log.child({ module });
	}

	mutate<R>(
		actor: Actor,
		roomId: string,
		mutationId: string,
		change: (m: MutationCtx) => Promise<R>
	): Promise<R> {
		return this.#runner.mutate(actor, roomId, mutationId, change);
	}

	mutateAsSystem(
		roomId: string,
		due: (room: RoomRow, tx: Tx) => Promise<boolean>,
		change: (m: MutationCtx) => Promise<void>
	): Promise<boolean> {
		return this.#runner.mutateAsSystem(roomId, due, change);
	}

	/** Lets a slice react inside another slice's mutation (`m.fire(name)`). */
	hook(name: string, fn: Hook): void {
		this.#runner.hook(name, fn);
	}
}
