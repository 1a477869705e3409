import type { Db } from '@chorus/db';
import pg from 'pg';
import type { ChorusServer, ChorusSocket } from '../lib/handler.ts';
import type { Logger } from '../logger.ts';
import { sessionRoom } from '../presence/devices.ts';

/** A trigger on `sessions` notifies this channel with the session id on every row delete. */
export const SESSION_REVOKED_CHANNEL = 'chorus_session_revoked';
/** The web app changed a room behind realtime's back: payload `<room id>:<new version>`. */
export const ROOM_CHANGED_CHANNEL = 'chorus_room_changed';

/** Reconnect backoff of the LISTEN connection: doubles from the first delay up to the cap. */
export const LISTEN_RETRY_FIRST_MS = 200;
export const LISTEN_RETRY_MAX_MS = 10_000;
/**
 * How long a revoked id is remembered: a socket whose handshake validated the session just
 * before the delete connects after the notification went by, and is caught on connection.
 */
export const RECENTLY_REVOKED_TTL_MS = 60_000;

export interface RevocationListener {
	/** Resolves once the first LISTEN is in place (or the listener was closed). */
	readonly ready: Promise<void>;
	/** The PostgreSQL backend pid of the current LISTEN connection (tests terminate it). */
	backendPid(): number | null;
	/** Disconnects the socket if its session was revoked during its handshake; true if so. */
	checkNewSocket(socket: ChorusSocket): boolean;
	/** Resolves after the next successful (re)connect and re-check (tests). */
	nextReconnect(): Promise<void>;
	close(): Promise<void>;
}

export interface RevocationOptions {
	databaseUrl: string;
	io: ChorusServer;
	db: Db;
	logger: Logger;
	/** Rooms the web app changed (same connection: LISTEN is per connection, not per pool). */
	onRoomChanged?: (roomId: string, version: number) => void;
}

/**
 * Disconnects this node's sockets of a deleted session. Every node runs one, on its own
 * dedicated connection (LISTEN does not work through a pool), so revocation reaches every node
 * without Redis. Notifications sent while the connection is down are lost, so after each
 * reconnect the sessions of the sockets still connected here are looked up again.
 * The same connection carries the web app's room-change notices (`onRoomChanged`); a missed
 * one only delays an update until the members' next sync.
 */
export function startRevocationListener(opts: RevocationOptions): RevocationListener {
	const { io, db } = opts;
	const log = opts.logger;
	let closed = false;
	let current: pg.Client | null = null;
	let retryMs = LISTEN_RETRY_FIRST_MS;
	let timer: NodeJS.Timeout | null = null;
	let connectedOnce = false;
	let resolveReady!: () => void;
	const ready = new Promise<void>((r) => (resolveReady = r));
	let waiters: (() => void)[] = [];

	const recentlyRevoked = new Map<string, number>();

	function remember(sessionId: string): void {
		const now = Date.now();
		recentlyRevoked.set(sessionId, now + RECENTLY_REVOKED_TTL_MS);
		for (const [id, until] of recentlyRevoked) {
			if (until > now) break; // insertion order = expiry order
			recentlyRevoked.delete(id);
		}
	}

	function revoke(sessionId: string): void {
		remember(sessionId);
		const room = sessionRoom(sessionId);
		// Tell the client first so it shows "signed out" instead of retrying a dead session.
		io.local.to(room).emit('session:revoked', { reason: 'revoked' });
		io.local.in(room).disconnectSockets(true);
	}

	function roomChanged(payload: string): void {
		const [roomId, version] = payload.split(':');
		if (!roomId || !version || !/^\d+$/.test(version)) return;
		opts.onRoomChanged?.(roomId, Number(version));
	}

	/** Disconnects sockets whose session no longer exists (or expired) — notifications we missed. */
	async function recheck(): Promise<void> {
		const sockets = await io.local.fetchSockets();
		const ids = [...new Set(sockets.map((s) => s.data.sessionId).filter(Boolean))];
		if (ids.length === 0) return;
		const alive = await db.session.findMany({
			where: { id: { in: ids }, expiresAt: { gt: new Date() } },
			select: { id: true }
		});
		const aliveIds = new Set(alive.map((s) => s.id));
		const gone = ids.filter((id) => !aliveIds.has(id));
		if (gone.length) log.info({ sessions: gone.length }, 'revoking sessions missed while offline');
		for (const id of gone) revoke(id);
	}

	function lost(client: pg.Client, err?: unknown): void {
		if (client !== current) return; // 'error' and 'end' both fire for one loss
		current = null;
		client.removeAllListeners('notification');
		client.end().catch(() => {});
		if (closed) return;
		log.warn({ err, retryInMs: retryMs }, 'session revocation listener lost its connection');
		schedule();
	}

	function schedule(): void {
		if (closed || timer) return;
		const delay = retryMs;
		retryMs = Math.min(retryMs * 2, LISTEN_RETRY_MAX_MS);
		timer = setTimeout(() => {
			timer = null;
			void connect();
		}, delay);
		timer.unref();
	}

	async function connect(): Promise<void> {
		const client = new pg.Client({
			connectionString: opts.databaseUrl,
			application_name: 'chorus-realtime-revocations'
		});
		current = client;
		client.on('error', (err) => lost(client, err));
		client.on('end', () => lost(client));
		client.on('notification', (msg) => {
			if (!msg.payload) return;
			if (msg.channel === SESSION_REVOKED_CHANNEL) revoke(msg.payload);
			else if (msg.channel === ROOM_CHANGED_CHANNEL) roomChanged(msg.payload);
		});
		try {
			await client.connect();
			await client.query(`LISTEN ${SESSION_REVOKED_CHANNEL}`);
			if (opts.onRoomChanged) await client.query(`LISTEN ${ROOM_CHANGED_CHANNEL}`);
			if (closed || client !== current) {
				await client.end().catch(() => {});
				return;
			}
			// Also on the first connect: sockets may have arrived before LISTEN was in place.
			await recheck();
			if (connectedOnce) log.info('session revocation listener reconnected');
			connectedOnce = true;
			retryMs = LISTEN_RETRY_FIRST_MS;
			resolveReady();
			const w = waiters;
			waiters = [];
			for (const f of w) f();
		} catch (err) {
			lost(client, err);
		}
	}

	void connect();

	return {
		ready,
		backendPid: () => (current as (pg.Client & { processID?: number }) | null)?.processID ?? null,
		checkNewSocket(socket) {
			const until = recentlyRevoked.get(socket.data.sessionId);
			if (until === undefined || until < Date.now()) return false;
			socket.emit('session:revoked', { reason: 'revoked' });
			socket.disconnect(true);
			return true;
		},
		nextReconnect: () => new Promise<void>((r) => waiters.push(r)),
		async close() {
			closed = true;
			resolveReady();
			if (timer) clearTimeout(timer);
			const client = current;
			current = null;
			await client?.end().catch(() => {});
		}
	};
}
