// A realtime node in its own process for fault tests and the benchmark (a test can SIGKILL it).
// Like src/index.ts, with a configurable per-user event budget; prints "listening on URL".
import { createSessionService } from '@chorus/auth';
import { createDb } from '@chorus/db';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { connectRedis } from '../src/redis.ts';

const env = process.env;
const logger = pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const db = createDb(env.DATABASE_URL!, { poolSize: Number(env.DB_POOL ?? 10) });

const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger) : undefined;

const app = createApp({
	db,
	sessions: createSessionService(db),
	databaseUrl: env.DATABASE_URL,
	logger,
	allowedOrigins: [env.ALLOWED_ORIGIN ?? 'http://chorus.test'],
	redis,
	adapterKey: env.REDIS_ADAPTER_KEY,
	eventLimits: env.EVENT_POINTS ? { points: Number(env.EVENT_POINTS) } : undefined
});

app.httpServer.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
	const { port } = app.httpServer.address() as AddressInfo;
	console.log(`listening on http://127.0.0.1:${port}`);
});

process.on('SIGTERM', () => {
	void app.close().then(async () => {
		await db.$disconnect();
		if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
		process.exit(0);
	});
});
