// The one PostgreSQL LISTEN connection of a node. LISTEN does not work through a pool, so every
// node keeps one dedicated connection; notices sent while it is down are lost, so subscribers
// are told after each reconnect and re-check what they might have missed.
import { NOTICE_CHANNELS, parseNotice } from '@chorus/protocol';
import pg from 'pg';
import type { Logger } from '../logger.ts';

/** Reconnect backoff of the LISTEN connection: doubles from the first delay up to the cap. */
export const LISTEN_RETRY_FIRST_MS = 200;
export const LISTEN_RETRY_MAX_MS = 10_000;

export interface NoticeHandlers {
	sessionRevoked: (sessionId: string) => void;
	roomChanged: (roomId: string, version: number) => void;
	/** After every (re)connect, once LISTEN is in place: look up what may have been missed. */
	connected: () => Promise<void> | void;
}

export interface Notices {
	/** Resolves once the first LISTEN is in place (or the listener was closed). */
	readonly ready: Promise<void>;
	on<K extends keyof NoticeHandlers>(kind: K, handler: NoticeHandlers[K]): void;
	/** The PostgreSQL backend pid of the current LISTEN connection (tests terminate it). */
	backendPid(): number | null;
	/** Resolves after the next successful (re)connect and its handlers (tests). */
	nextReconnect(): Promise<void>;
	close(): Promise<void>;
}

type Registry = { [K in keyof NoticeHandlers]: NoticeHandlers[K][] };

/** Without a database URL (some tests): handlers are kept, nothing ever arrives. */
export function noNotices(): Notices {
	return {
		ready: Promise.resolve(),
		on() {},
		backendPid: () => null,
		nextReconnect: () => new Promise(() => {}),
		close: async () => {}
	};
}

export function listenForNotices(databaseUrl: string, log: Logger): Notices {
	const handlers: Registry = { sessionRevoked: [], roomChanged: [], connected: [] };
	let closed = false;
	let current: pg.Client | null = null;
	let retryMs = LISTEN_RETRY_FIRST_MS;
	let timer: NodeJS.Timeout | null = null;
	let connectedOnce = false;
	let resolveReady!: () => void;
	const ready = new Promise<void>((r) => (resolveReady = r));
	let waiters: (() => void)[] = [];

	function dispatch(channel: string, payload: string | undefined): void {
		const notice = parseNotice(channel, payload);
		if (!notice) return log.warn({ channel }, 'ignored a malformed notice');
		try {
			if (notice.channel === NOTICE_CHANNELS.sessionRevoked) {
				for (const h of handlers.sessionRevoked) h(notice.sessionId);
			} else {
				for (const h of handlers.roomChanged) h(notice.roomId, notice.version);
			}
		} catch (err) {
			log.error({ err, channel }, 'notice handler failed');
		}
	}

	function lost(client: pg.Client, err?: unknown): void {
		if (client !== current) return; // 'error' and 'end' both fire for one loss
		current = null;
		client.removeAllListeners('notification');
		client.end().catch(() => {});
		if (closed) return;
		log.warn({ err, retryInMs: retryMs }, 'notice listener lost its connection');
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
		if (closed) return;
		const client = new pg.Client({
			connectionString: databaseUrl,
			application_name: 'chorus-realtime-notices'
		});
		current = client;
		client.on('error', (err) => lost(client, err));
		client.on('end', () => lost(client));
		client.on('notification', (msg) => dispatch(msg.channel, msg.payload));
		try {
			await client.connect();
			for (const channel of Object.values(NOTICE_CHANNELS)) await client.query(`LISTEN ${channel}`);
			if (closed || client !== current) {
				await client.end().catch(() => {});
				return;
			}
			// Also on the first connect: sockets may have arrived before LISTEN was in place.
			for (const h of handlers.connected) await h();
			if (connectedOnce) log.info('notice listener reconnected');
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

	// Started on the next tick, so that handlers registered right after creation see the first connect.
	setImmediate(() => void connect());

	return {
		ready,
		on(kind, handler) {
			(handlers[kind] as (typeof handler)[]).push(handler);
		},
		backendPid: () => (current as (pg.Client & { processID?: number }) | null)?.processID ?? null,
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
