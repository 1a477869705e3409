import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import type {
	ClientToServerEvents,
	InterServerEvents,
	ServerToClientEvents,
	SocketData
} from '@chorus/protocol';
import { checkReadiness, redisCheck } from '@chorus/ops';
import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import * as chat from './chat/chat.handlers.ts';
import * as clock from './clock/clock.handlers.ts';
import {
	Engine,
	type ChorusServer,
	type ChorusSocket,
	type Notices,
	type SliceConfig
} from './engine/index.ts';
import type { Logger } from './logger.ts';
import * as members from './members/members.handlers.ts';
import { accessLog, hardenHttp, requireMetricsAccess } from './http-security.ts';
import { createMetrics } from './metrics.ts';
import * as playback from './playback/playback.handlers.ts';
import * as presence from './presence/presence.handlers.ts';
import * as queue from './queue/queue.handlers.ts';
import * as room from './room/room.handlers.ts';
import { rejectUnknownEvents } from './socket/command.ts';
import { originAllowed, sessionMiddleware } from './socket/handshake.ts';
import { Decoder, Encoder } from './socket/parser.ts';
import { createEventLimiter, DEFAULT_EVENT_LIMITS, type EventLimits } from './socket/rate-limit.ts';
import { watchSessions, type SessionWatch } from './socket/lifetime.ts';

/** Socket.IO messages are small commands; anything bigger is abuse. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * The feature slices. Each registers its commands on every socket; `start` (optional) sets up
 * what the slice runs per node and returns how to stop it.
 */
interface Slice {
	register(socket: ChorusSocket, engine: Engine): void;
	start?(engine: Engine, config: SliceConfig): (() => void) | void;
}
const SLICES: Slice[] = [clock, presence, room, members, queue, playback, chat];
/** How long a playing room may go unheard before it pauses (AppDeps.idlePauseMs). */
export const IDLE_PAUSE_MS = 60_000;

export interface AppDeps {
	db: Db;
	sessions: SessionService;
	logger: Logger;
	allowedOrigins: string[];
	/** Pub/sub pair for the Redis adapter; omitted = single node, in-memory adapter. */
	redis?: { pub: Redis; sub: Redis };
	/**
	 * The adapter's channel prefix: nodes with the same one form one cluster (default
	 * 'socket.io'). Deployments (or test runs) sharing a Redis keep apart with their own.
	 */
	adapterKey?: string;
	/**
	 * PostgreSQL URL for a dedicated LISTEN connection: deleted sessions' sockets are disconnected
	 * and rooms changed by the web app are re-broadcast. Omitted = neither happens live.
	 */
	databaseUrl?: string;
	/** Per-user event budget (defaults: DEFAULT_EVENT_LIMITS). */
	eventLimits?: Partial<EventLimits>;
	/** How often sockets are told their rooms' versions (default VERSION_BEACON_MS). */
	versionBeaconMs?: number;
	/** A playing room nobody listens to pauses after this long (default 60 s; 0 = never). */
	idlePauseMs?: number;
	/** Bearer token for /metrics; unset = only peers on this host may read it. */
	metricsToken?: string;
	/**
	 * This node's name, answered as `X-Chorus-Node` on every HTTP response (/readyz included)
	 * and Socket.IO response (the WebSocket upgrade too), so a test or an operator behind a load
	 * balancer can tell which node served them. Unset: not disclosed.
	 */
	nodeId?: string;
}

export interface RealtimeApp {
	httpServer: HttpServer;
	io: ChorusServer;
	/** The node's PostgreSQL notice listener (a no-op one without databaseUrl). */
	notices: Notices;
	/** Sockets end with their sessions (the periodic re-check can be run at once in tests). */
	sessions: SessionWatch;
	/** Stops accepting work: health turns 503, sockets are disconnected (clients reconnect elsewhere). */
	close(): Promise<void>;
}

export function createApp(deps: AppDeps): RealtimeApp {
	const { db, sessions, logger, redis } = deps;
	const log = logger.child({ module: 'app' });
	const allowed = new Set(deps.allowedOrigins);
	let draining = false;

	const app = express();
	app.disable('x-powered-by');
	app.use(accessLog(logger.child({ module: 'http' })));
	const httpServer = createServer(app);

	const io: ChorusServer = new Server<
		ClientToServerEvents,
		ServerToClientEvents,
		InterServerEvents,
		SocketData
	>(httpServer, {
		maxHttpBufferSize: MAX_MESSAGE_BYTES,
		allowRequest: originAllowed(allowed),
		cors: { origin: [...allowed], credentials: true },
		serveClient: false,
		parser: { Encoder, Decoder }
	});
	if (redis) io.adapter(createAdapter(redis.pub, redis.sub, { key: deps.adapterKey }));
	const { nodeId } = deps;
	if (nodeId) {
		app.use((_req, res, next) => {
			res.setHeader('x-chorus-node', nodeId);
			next();
		});
		// initial_headers: the polling handshake; headers: every later response and the 101.
		for (const event of ['initial_headers', 'headers'] as const) {
			io.engine.on(event, (headers: Record<string, string>) => {
				headers['x-chorus-node'] = nodeId;
			});
		}
	}
	hardenHttp(httpServer, io);

	const metrics = createMetrics(io);
	for (const client of redis ? [redis.pub, redis.sub] : []) {
		client.on('error', () => metrics.dependencyError('redis'));
	}

	// Fails fast while Redis is down (no offline queue) so the limiter falls back to memory.
	const limiterRedis = redis?.pub.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
	limiterRedis?.on('error', () => {}); // the adapter's clients already log Redis trouble
	const engine = new Engine({
		db,
		io,
		logger,
		metrics,
		peersReachable: () => redis?.pub.status === 'ready' && redis.sub.status === 'ready',
		clustered: redis !== undefined,
		budget: createEventLimiter({ ...DEFAULT_EVENT_LIMITS, ...deps.eventLimits }, limiterRedis),
		databaseUrl: deps.databaseUrl
	});
	const sessionWatch = watchSessions(engine, sessions);
	engine.versions.start(deps.versionBeaconMs);
	// Broadcasts sent or published while Redis was away never arrived: once a link is back,
	// every socket here learns its room's version and the ones behind resync.
	for (const client of redis ? [redis.pub, redis.sub] : []) {
		let lost = false;
		client.on('close', () => (lost = true));
		client.on('ready', () => {
			if (!lost) return;
			lost = false;
			void engine.versions.announce();
		});
	}
	const config: SliceConfig = { idlePauseMs: deps.idlePauseMs ?? IDLE_PAUSE_MS };
	const stops = SLICES.map((s) => s.start?.(engine, config));

	// Liveness: the process answers. Readiness: it can serve (PostgreSQL, and Redis when
	// clustered), with which dependency failed in the answer. /healthz is readiness, kept for
	// existing probes.
	app.get('/livez', (_req, res) => {
		res.json({ status: 'ok' });
	});
	const readyz: express.RequestHandler = async (_req, res) => {
		if (draining) {
			res.status(503).json({ status: 'draining', checks: {} });
			return;
		}
		const { ok, checks } = await checkReadiness({
			postgres: () => db.$queryRaw`SELECT 1`,
			...(redis && { redis: redisCheck(redis.pub) })
		});
		if (!ok) {
			for (const [name, result] of Object.entries(checks)) {
				if (result !== 'ok') metrics.dependencyError(name as 'postgres' | 'redis');
			}
			log.warn({ checks }, 'readiness check failed');
		}
		res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
	};
	app.get('/readyz', readyz);
	app.get('/healthz', readyz);
	app.get('/metrics', requireMetricsAccess(deps.metricsToken), async (_req, res) => {
		res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
	});

	io.use(sessionMiddleware(sessions, logger.child({ module: 'handshake' })));
	io.on('connection', (socket) => {
		if (sessionWatch.checkNewSocket(socket)) return;
		sessionWatch.guard(socket);
		rejectUnknownEvents(socket, metrics);
		const socketLog = logger.child({
			module: 'socket',
			socketId: socket.id,
			userId: socket.data.userId
		});
		socketLog.info({ transport: socket.conn.transport.name }, 'socket connected');
		socket.on('disconnect', (reason) => socketLog.info({ reason }, 'socket disconnected'));
		for (const slice of SLICES) slice.register(socket, engine);
	});

	return {
		httpServer,
		io,
		notices: engine.notices,
		sessions: sessionWatch,
		async close() {
			draining = true;
			sessionWatch.stop();
			engine.versions.stop();
			for (const stop of stops) stop?.();
			await engine.notices.close();
			// io.close() disconnects every socket and closes the HTTP server.
			await new Promise<void>((resolve) => io.close(() => resolve()));
			limiterRedis?.disconnect();
		}
	};
}
