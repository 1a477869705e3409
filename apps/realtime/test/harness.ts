import { createSessionService, SESSION_COOKIE_NAME, type SessionService } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import type { ClientToServerEvents, ServerToClientEvents } from '@chorus/protocol';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp, type RealtimeApp } from '../src/app.ts';

export const ALLOWED_ORIGIN = 'http://chorus.test';
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Node {
	app: RealtimeApp;
	url: string;
	stop(): Promise<void>;
}

/** A real realtime node on port 0, built with createApp like production does. */
export async function startNode(
	db: Db,
	sessions: SessionService,
	redisUrl?: string
): Promise<Node> {
	let redis: { pub: Redis; sub: Redis } | undefined;
	if (redisUrl) {
		const pub = new Redis(redisUrl, { maxRetriesPerRequest: null });
		const sub = pub.duplicate();
		for (const c of [pub, sub]) c.on('error', () => {});
		redis = { pub, sub };
	}
	const app = createApp({
		db,
		sessions,
		logger: pino({ level: 'silent' }),
		allowedOrigins: [ALLOWED_ORIGIN],
		redis
	});
	await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
	const { port } = app.httpServer.address() as AddressInfo;
	return {
		app,
		url: `http://127.0.0.1:${port}`,
		async stop() {
			await app.close();
			if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
		}
	};
}

export function openDb(url: string) {
	const db = createDb(url, { poolSize: 4 });
	return { db, sessions: createSessionService(db) };
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
