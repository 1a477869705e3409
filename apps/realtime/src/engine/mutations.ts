// The mutation runner: lock the room row -> idempotency by mutation id -> permission from the
// membership -> change -> bump the version -> commit -> broadcast. Broadcasts never go out
// before the commit, and whole-domain states are rendered in the transaction at its version.
import type { Db } from '@chorus/db';
import {
	AppError,
	can,
	type Permission,
	type PresenceStatus,
	type ServerToClientEvents
} from '@chorus/protocol';
import type { Logger } from '../logger.ts';
import type { Fanout } from './fanout.ts';
import {
	commitVersion,
	loadRoom,
	lockForMutation,
	recordMutation,
	type MemberRow,
	type RoomRow
} from './mutations.store.ts';
import type { Presence } from './presence.ts';
import type { Actor, Tx } from './types.ts';

export const forbidden = (message = 'You are not a member of this room') =>
	new AppError('FORBIDDEN', message);

const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** What a broadcast step sees once the transaction committed. */
export interface Committed {
	readonly room: RoomRow;
	readonly version: number;
	readonly fanout: Fanout;
	/** Live presence in the room, asked of the other nodes at most once per mutation. */
	presence(): Promise<Map<string, PresenceStatus>>;
}

export type Deliver = (c: Committed) => void | Promise<void>;
/** Renders a whole-domain state inside the transaction (at the final version) for delivery. */
export type Render = (tx: Tx, room: RoomRow) => Promise<Deliver>;

type Step = { kind: 'send'; deliver: Deliver } | { kind: 'state'; key: string; render: Render };

/** Named in-transaction hooks between features ("a track was queued"), wired by the slices. */
export type Hook = (m: MutationCtx) => Promise<void>;

export interface MutationCtx {
	readonly tx: Tx;
	/** The room under its row lock, at the version being written. */
	room: RoomRow;
	readonly member: MemberRow;
	readonly userId: string;
	readonly version: number;
	/** Whether the member's role and the room's settings allow `permission` (require throws). */
	may(permission: Permission): boolean;
	require(permission: Permission): void;
	/** Broadcasts `event` to the room after the commit. */
	emit<E extends keyof ServerToClientEvents>(event: E, ...args: Args<E>): void;
	/** Any delivery after the commit (to one user, to the room but one user, evictions). */
	after(deliver: Deliver): void;
	/**
	 * A whole-domain state (queue, members, playback): rendered once per mutation however many
	 * steps ask for it, from the database as it is at commit.
	 */
	publish(key: string, render: Render): void;
	/** Runs the hooks registered under `name` (other features reacting in this transaction). */
	fire(name: string): Promise<void>;
}

export class MutationRunner {
	readonly #db: Db;
	readonly #fanout: Fanout;
	readonly #presence: Presence;
	readonly #log: Logger;
	readonly #hooks = new Map<string, Hook[]>();

	constructor(db: Db, fanout: Fanout, presence: Presence, log: Logger) {
		this.#db = db;
		this.#fanout = fanout;
		this.#presence = presence;
		this.#log = log;
	}

	hook(name: string, fn: Hook): void {
		this.#hooks.set(name, [...(this.#hooks.get(name) ?? []), fn]);
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
		const steps: Step[] = [];
		const outcome = await this.#db.$transaction(async (tx) => {
			const locked = await lockForMutation(tx, roomId, actor.userId, mutationId);
			if (!locked || locked.room.closed) throw forbidden();
			if (locked.replay) return { replay: true as const, result: locked.replay.result as R };
			const { room, member } = locked;
			if (!member) throw forbidden();
			const m = this.#context(tx, room, member, steps);
			const result = await change(m);
			const deliveries = await this.#render(tx, m, steps);
			await recordMutation(tx, roomId, actor.userId, mutationId, result);
			return { replay: false as const, result, room: m.room, deliveries };
		}, TX_OPTIONS);
		if (!outcome.replay) await this.#deliver(outcome.room, outcome.deliveries);
		return outcome.result;
	}

	/**
	 * A change nobody asked for (the track ended, the web app changed the room): no actor, no
	 * mutation id. `due` is re-checked under the row lock, so when several nodes race for the
	 * same room it happens exactly once. A room locked by another node is skipped.
	 */
	async mutateAsSystem(
		roomId: string,
		due: (room: RoomRow, tx: Tx) => Promise<boolean>,
		change: (m: MutationCtx) => Promise<void>
	): Promise<boolean> {
		const steps: Step[] = [];
		const outcome = await this.#db.$transaction(async (tx) => {
			const room = await loadRoom(tx, roomId, 'skip-locked');
			if (!room || room.closed || !(await due(room, tx))) return null;
			const system: MemberRow = {
				userId: '',
				role: 'host',
				isGuest: false,
				mutedUntil: null,
				joinedAt: new Date(0)
			};
			const m = this.#context(tx, room, system, steps, false);
			await change(m);
			return { room: m.room, deliveries: await this.#render(tx, m, steps) };
		}, TX_OPTIONS);
		if (outcome) await this.#deliver(outcome.room, outcome.deliveries);
		return outcome !== null;
	}

	#context(tx: Tx, room: RoomRow, member: MemberRow, steps: Step[], check = true): MutationCtx {
		// The row lock is held: the next version is ours; it is written with the changes.
		const version = room.version + 1;
		const hooks = this.#hooks;
		const m: MutationCtx = {
			tx,
			room: { ...room, version },
			member,
			userId: member.userId,
			version,
			may: (permission) => !check || can(member.role, permission, room.settings, member),
			require(permission) {
				if (!m.may(permission)) {
					throw forbidden(`Your role in this room does not allow that (${permission})`);
				}
			},
			emit(event, ...args) {
				steps.push({ kind: 'send', deliver: (c) => c.fanout.toRoom(room.id, event, ...args) });
			},
			after(deliver) {
				steps.push({ kind: 'send', deliver });
			},
			publish(key, render) {
				if (!steps.some((s) => s.kind === 'state' && s.key === key)) {
					steps.push({ kind: 'state', key, render });
				}
			},
			async fire(name) {
				for (const fn of hooks.get(name) ?? []) await fn(m);
			}
		};
		return m;
	}

	/** Writes the version, then renders each state at it (in the order first asked for). */
	async #render(tx: Tx, m: MutationCtx, steps: Step[]): Promise<Deliver[]> {
		m.room = await commitVersion(tx, m.room.id, m.version);
		const out: Deliver[] = [];
		for (const s of steps) out.push(s.kind === 'send' ? s.deliver : await s.render(tx, m.room));
		return out;
	}

	async #deliver(room: RoomRow, deliveries: Deliver[]): Promise<void> {
		let present: Promise<Map<string, PresenceStatus>> | undefined;
		const committed: Committed = {
			room,
			version: room.version,
			fanout: this.#fanout,
			presence: () => (present ??= this.#presence.of(room.id))
		};
		for (const deliver of deliveries) {
			try {
				await deliver(committed);
			} catch (err) {
				// The change is committed; clients that miss this catch up on their next version gap.
				this.#log.warn({ err, roomId: room.id }, 'broadcast failed');
			}
		}
	}
}
