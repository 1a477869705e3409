import { createSessionService, SESSION_COOKIE_NAME, type SessionService } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import { applyQueueVoted, withOwnVotes } from '@chorus/protocol';
import type {
	Ack,
	AckCallback,
	ClientToServerEvents,
	QueueItem,
	RoomRemoved,
	RoomSnapshot,
	ServerToClientEvents
} from '@chorus/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Command, Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp, type RealtimeApp } from '../src/app.ts';
import type { Logger } from '../src/logger.ts';
import { connectRedis } from '../src/redis.ts';
import type { EventLimits } from '../src/socket/rate-limit.ts';

export const ALLOWED_ORIGIN = 'http://chorus.test';
/**
 * One cluster per test file (each runs in its own worker with its own copy of this module):
 * files running at once on the same Redis must not answer each other's presence queries.
 */
export const ADAPTER_KEY = `chorus-test-${randomUUID()}`;
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Node {
	app: RealtimeApp;
	url: string;
	stop(): Promise<void>;
}

export interface NodeOptions {
	redisUrl?: string;
	/** Listen for session revocations on this database (a dedicated connection per node). */
	databaseUrl?: string;
	/** Load tests send far more than a person would: raise the per-user budget. */
	eventLimits?: Partial<EventLimits>;
	versionBeaconMs?: number;
	idlePauseMs?: number;
	metricsToken?: string;
	/** Listen address (default 127.0.0.1). */
	host?: string;
	/** Default: silent. */
	logger?: Logger;
}

/** A real realtime node on port 0, built with createApp like production does. */
export async function startNode(
	db: Db,
	sessions: SessionService,
	redisUrlOrOptions?: string | NodeOptions
): Promise<Node> {
	const opts: NodeOptions =
		typeof redisUrlOrOptions === 'string'
			? { redisUrl: redisUrlOrOptions }
			: (redisUrlOrOptions ?? {});
	const { redisUrl } = opts;
	// Silent: fault tests restart Redis on purpose.
	const logger = opts.logger ?? pino({ level: 'silent' });
	const redis = redisUrl ? connectRedis(redisUrl, logger) : undefined;
	const app = createApp({
		db,
		sessions,
		logger,
		allowedOrigins: [ALLOWED_ORIGIN],
		redis,
		adapterKey: ADAPTER_KEY,
		databaseUrl: opts.databaseUrl,
		eventLimits: opts.eventLimits,
		versionBeaconMs: opts.versionBeaconMs,
		idlePauseMs: opts.idlePauseMs,
		metricsToken: opts.metricsToken
	});
	await app.notices.ready;
	await new Promise<void>((r) => app.httpServer.listen(0, opts.host ?? '127.0.0.1', r));
	const { port } = app.httpServer.address() as AddressInfo;
	return {
		app,
		url: `http://127.0.0.1:${port}`,
		async stop() {
			await app.close();
			// A client still reconnecting after a Redis restart (fault tests) gets a moment to come
			// back: dropping it with commands pending (the adapter's unsubscribes) rejects them
			// where nobody listens. quit() would wait forever for a Redis that stays down.
			for (const c of redis ? [redis.pub, redis.sub] : []) {
				if (c.status !== 'ready') {
					await new Promise<void>((resolve) => {
						const timer = setTimeout(resolve, 10_000);
						c.once('ready', () => (clearTimeout(timer), resolve()));
					});
				}
				if (c.status === 'ready') await c.quit().catch(() => dropClient(c));
				else dropClient(c);
			}
		}
	};
}

/**
 * Drops a Redis client that did not come back. Its queued commands (the adapter's publishes,
 * fire and forget) then reject where nobody listens, which fails the whole run: mark them handled.
 */
function dropClient(c: Redis) {
	type Queue = { toArray(): { command: Command }[] } | undefined;
	const { offlineQueue, commandQueue } = c as unknown as {
		offlineQueue: Queue;
		commandQueue: Queue;
	};
	for (const q of [offlineQueue, commandQueue])
		for (const { command } of q?.toArray() ?? []) command.promise.catch(() => {});
	c.disconnect();
}

export function openDb(url: string) {
	const db = createDb(url, { poolSize: 4 });
	return { db, sessions: createSessionService(db) };
}

/**
 * For a test file about two nodes through Redis: opens the database, starts both nodes before
 * the tests (none when the run has no REDIS_URL: such suites skip) and stops them after.
 */
export function twoNodesThroughRedis() {
	const { db, sessions } = openDb(inject('databaseUrl'));
	const redisUrl = inject('redisUrl');
	const nodes: Node[] = [];
	beforeAll(async () => {
		if (redisUrl)
			nodes.push(await startNode(db, sessions, redisUrl), await startNode(db, sessions, redisUrl));
	});
	afterAll(async () => {
		await Promise.all(nodes.map((n) => n.stop()));
		await db.$disconnect();
	});
	return { db, sessions, redisUrl, nodes };
}

export interface ClientOptions {
	token?: string | null;
	origin?: string | null;
	cookie?: string;
}

/** A real socket.io-client, as a browser on ALLOWED_ORIGIN with the session cookie would be. */
export function client(url: string, opts: ClientOptions = {}): ClientSocket {
	const headers: Record<string, string> = {};
	const origin = opts.origin === undefined ? ALLOWED_ORIGIN : opts.origin;
	if (origin) headers.origin = origin;
	if (opts.cookie) headers.cookie = opts.cookie;
	else if (opts.token) headers.cookie = `${SESSION_COOKIE_NAME}=${opts.token}`;
	return connect(url, {
		extraHeaders: headers,
		reconnection: false,
		forceNew: true,
		transports: ['websocket']
	});
}

export function connected(socket: ClientSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', (err) => reject(err));
	});
}

/** Resolves with the connect_error the server sent (rejects if it connects instead). */
export function refused(
	socket: ClientSocket
): Promise<Error & { data?: { code: string; message: string } }> {
	return new Promise((resolve, reject) => {
		socket.once('connect', () => reject(new Error('connected but should have been refused')));
		socket.once('connect_error', (err) =>
			resolve(err as Error & { data?: { code: string; message: string } })
		);
	});
}

/** Waits for the first event payload matching the predicate. */
export function nextEvent<E extends keyof ServerToClientEvents>(
	socket: ClientSocket,
	event: E,
	match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
	timeoutMs = 5_000
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`timed out waiting for ${String(event)}`)),
			timeoutMs
		);
		const handler = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
			if (!match(payload)) return;
			clearTimeout(timer);
			(socket.off as (e: string, h: unknown) => void)(event, handler);
			resolve(payload);
		};
		(socket.on as (e: string, h: unknown) => void)(event, handler);
	});
}

type AckData<E extends keyof ClientToServerEvents> =
	Parameters<ClientToServerEvents[E]>[1] extends AckCallback<infer T> ? T : never;

/** Sends a command and resolves with its typed ack (rejects on timeout). */
export function request<E extends keyof ClientToServerEvents>(
	socket: ClientSocket,
	event: E,
	payload: Parameters<ClientToServerEvents[E]>[0],
	timeoutMs = 10_000
): Promise<Ack<AckData<E>>> {
	const s = socket.timeout(timeoutMs) as unknown as {
		emitWithAck(e: string, p: unknown): Promise<Ack<AckData<E>>>;
	};
	return s.emitWithAck(event, payload);
}

/** Unwraps an ok ack (throws with the error otherwise). */
export function ok<T>(res: Ack<T>): T {
	if (!res.ok) throw new Error(`expected ok, got ${JSON.stringify(res.error)}`);
	return res.data;
}

export const mutationId = () => randomUUID();

/**
 * A client's view of one room that follows the protocol's version rules, as the web client
 * does: version < local -> ignore; == local or local + 1 -> apply; > local + 1 -> apply if the
 * event carries its domain's full state, and `room:sync`. Only the queue is modelled.
 */
export class RoomView {
	version = -1;
	queue: QueueItem[] = [];
	syncs = 0;
	removed: RoomRemoved | null = null;
	/** Every versioned event received (for "nothing after removal" checks). */
	received = 0;
	#syncing: Promise<void> | null = null;

	constructor(
		readonly socket: ClientSocket,
		readonly roomId: string
	) {
		this.attach(socket);
	}

	/** Follows another socket (after a reconnect); call join() next. */
	attach(socket: ClientSocket): void {
		(this as { socket: ClientSocket }).socket = socket;
		socket.on('queue:updated', (e) => {
			if (e.roomId !== this.roomId) return;
			this.#versioned(e.version, () => (this.queue = withOwnVotes(e.queue, this.queue)));
		});
		// A delta: only valid on the version just before, so across a gap it waits for the sync.
		socket.on('queue:voted', (e) => {
			if (e.roomId !== this.roomId) return;
			this.#versioned(e.version, () => (this.queue = applyQueueVoted(this.queue, e)), false);
		});
		for (const event of [
			'members:updated',
			'room:updated',
			'playback:state',
			'chat:deleted',
			'chat:message'
		] as const) {
			(socket.on as (e: string, h: (p: { roomId: string; version: number }) => void) => void)(
				event,
				(e) => {
					// Not modelled here; a full-state event still lets the version advance.
					const full = event !== 'chat:message' && event !== 'chat:deleted';
					if (e.roomId === this.roomId) this.#versioned(e.version, full ? () => {} : null);
				}
			);
		}
		socket.on('room:removed', (e) => {
			if (e.roomId === this.roomId) this.removed = e;
		});
		// The room is further than we know (a broadcast never reached us): catch up.
		socket.on('room:version', (e) => {
			if (e.roomId === this.roomId && this.version >= 0 && e.version > this.version)
				void this.sync();
		});
	}

	#versioned(version: number, apply: (() => void) | null, full = true): void {
		this.received++;
		if (version < this.version) return;
		if (!full && version > this.version + 1) {
			void this.sync();
			return;
		}
		if (version <= this.version + 1 || this.version < 0) {
			apply?.();
			if (apply || version <= this.version + 1) this.version = version;
			return;
		}
		// A gap: take the full state we were given, then catch up on whatever else was missed.
		if (apply) {
			apply();
			this.version = version;
		}
		void this.sync();
	}

	#applySnapshot(snap: RoomSnapshot): void {
		if (snap.version < this.version) return; // newer events already arrived
		this.version = snap.version;
		this.queue = snap.queue;
	}

	async join(timeoutMs = 10_000): Promise<RoomSnapshot> {
		const snap = ok(await request(this.socket, 'room:join', { roomId: this.roomId }, timeoutMs));
		this.#applySnapshot(snap);
		return snap;
	}

	sync(): Promise<void> {
		this.#syncing ??= (async () => {
			try {
				this.syncs++;
				const res = await request(this.socket, 'room:sync', { roomId: this.roomId });
				if (res.ok) this.#applySnapshot(res.data);
			} catch {
				// disconnected or timed out: the next gap or reconnect syncs again
			} finally {
				this.#syncing = null;
			}
		})();
		return this.#syncing;
	}

	/** Resolves once no sync is in flight. */
	async settled(): Promise<void> {
		while (this.#syncing) await this.#syncing;
	}
}

/** Polls until `check` returns true (or throws the last reason after `timeoutMs`). */
export async function eventually(
	check: () => boolean | Promise<boolean>,
	what: string,
	timeoutMs = 15_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

export interface ChildNode {
	url: string;
	child: ChildProcess;
	output(): string;
	/** SIGTERM (drain) and wait for the exit. */
	stop(): Promise<void>;
}

/**
 * A realtime node in its own process (apps/realtime/test/child-node.ts through tsx), so a test
 * can SIGKILL it. `eventPoints` raises the per-user event budget.
 */
export async function startChildNode(env: {
	DATABASE_URL: string;
	REDIS_URL?: string;
	EVENT_POINTS?: number;
}): Promise<ChildNode> {
	const script = fileURLToPath(new URL('./child-node.ts', import.meta.url));
	// `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that a
	// SIGKILL of the CLI would leave running.
	const child = spawn(process.execPath, ['--import', 'tsx', script], {
		cwd: fileURLToPath(new URL('../../../', import.meta.url)),
		env: {
			PATH: process.env.PATH ?? '',
			HOME: process.env.HOME ?? '',
			DATABASE_URL: env.DATABASE_URL,
			...(env.REDIS_URL ? { REDIS_URL: env.REDIS_URL, REDIS_ADAPTER_KEY: ADAPTER_KEY } : {}),
			...(env.EVENT_POINTS ? { EVENT_POINTS: String(env.EVENT_POINTS) } : {}),
			ALLOWED_ORIGIN
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stderr.on('data', (d) => (log = (log + d).slice(-20_000)));
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (d) => {
			out += d;
			log = (log + d).slice(-20_000);
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m) resolve(m[1]!);
		});
		child.once('exit', (code) => reject(new Error(`child node exited (${code}):\n${log}`)));
		setTimeout(() => reject(new Error(`child node did not start:\n${log}`)), 30_000).unref();
	});
	return {
		url,
		child,
		output: () => log,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
			})
	};
}
