import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import type {
	ClientToServerEvents,
	InterServerEvents,
	ServerToClientEvents,
	SocketData
} from '@chorus/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { originAllowed, sessionMiddleware } from './auth/handshake.ts';
import { startRevocationListener, type RevocationListener } from './auth/revocations.ts';
import { registerClockHandlers } from './clock/clock.handlers.ts';
import { rejectUnknownEvents, type ChorusServer } from './lib/handler.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { registerPresence } from './presence/devices.ts';
import { createEventLimiter, DEFAULT_EVENT_LIMITS, type EventLimits } from './lib/rate-limit.ts';
import { roomKey } from './rooms/fanout.ts';
import { RoomContext } from './rooms/room.context.ts';
import { startAdvanceTicker } from './playback/playback.ticker.ts';
import { createRoomFeatures, registerRoomHandlers } from './rooms/room.handlers.ts';

/** Socket.IO messages are small commands; anything bigger is abuse. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

export interface AppDeps {
	db: Db;
	sessions: SessionService;
	logger: Logger;
	allowedOrigins: string[];
	/** Pub/sub pair for the Redis adapter; omitted = single node, in-memory adapter. */
	redis?: { pub: Redis; sub: Redis };
	/**
	 * PostgreSQL URL for a dedicated LISTEN connection: deleted sessions' sockets are disconnected.
	 * Omitted = no live revocation (a socket lives until it reconnects).
	 */
	databaseUrl?: string;
	/** Per-user event budget (defaults: DEFAULT_EVENT_LIMITS). */
	eventLimits?: Partial<EventLimits>;
}

export interface RealtimeApp {
	httpServer: HttpServer;
	io: ChorusServer;
	/** Live session revocation (when databaseUrl was given). */
	revocations: RevocationListener | null;
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
		serveClient: false
	});
	if (redis) io.adapter(createAdapter(redis.pub, redis.sub));

	const metrics = createMetrics(io);

	const peersReachable = () => redis?.pub.status === 'ready' && redis.sub.status === 'ready';
	// Fails fast while Redis is down (no offline queue) so the limiter falls back to memory.
	const limiterRedis = redis?.pub.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
	limiterRedis?.on('error', () => {}); // the adapter's clients already log Redis trouble
	const features = createRoomFeatures(
		new RoomContext(db, io, peersReachable, logger.child({ module: 'rooms' })),
		createEventLimiter({ ...DEFAULT_EVENT_LIMITS, ...deps.eventLimits }, limiterRedis),
		logger.child({ module: 'rooms' })
	);
	const ticker = startAdvanceTicker(db, features.playback, logger.child({ module: 'playback' }));

	app.get('/healthz', async (_req, res) => {
		if (draining) {
			res.status(503).json({ status: 'draining' });
			return;
		}
		try {
			await db.$queryRaw`SELECT 1`;
			// The adapter's client queues commands while Redis is away: a bare ping would hang.
			if (redis && redis.pub.status !== 'ready') throw new Error(`redis ${redis.pub.status}`);
			if (redis) await redis.pub.ping();
			res.json({ status: 'ok' });
		} catch (err) {
			log.warn({ err }, 'health check failed');
			res.status(503).json({ status: 'unavailable' });
		}
	});
	app.get('/metrics', async (_req, res) => {
		res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
	});

	const revocations = deps.databaseUrl
		? startRevocationListener({
				databaseUrl: deps.databaseUrl,
				io,
				db,
				logger: logger.child({ module: 'revocations' }),
				onRoomChanged: (roomId, version) => {
					// Only nodes serving that room act (every node hears every room); the first one
					// re-renders it for all (through Redis), the others find the version moved on.
					if (!io.of('/').adapter.rooms.get(roomKey(roomId))?.size) return;
					features.rooms.refreshAfterExternalChange(roomId, version).catch((err: unknown) => {
						// Members still catch up on their next room:sync.
						logger.warn({ err, roomId }, 'could not broadcast an external room change');
					});
				}
			})
		: null;

	io.use(sessionMiddleware(sessions, logger.child({ module: 'handshake' })));
	io.on('connection', (socket) => {
		if (revocations?.checkNewSocket(socket)) return;
		rejectUnknownEvents(socket);
		registerPresence(io, socket, logger.child({ module: 'presence' }), peersReachable);
		registerClockHandlers(socket, logger.child({ module: 'clock' }));
		registerRoomHandlers(socket, features);
	});

	return {
		httpServer,
		io,
		revocations,
		async close() {
			draining = true;
			ticker.stop();
			await revocations?.close();
			// io.close() disconnects every socket and closes the HTTP server.
			await new Promise<void>((resolve) => io.close(() => resolve()));
			limiterRedis?.disconnect();
		}
	};
}
