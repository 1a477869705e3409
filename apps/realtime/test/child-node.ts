// A realtime node in its own process for fault tests and the benchmark (a test can SIGKILL it).
// Like src/index.ts, with a configurable per-user event budget; prints "listening on URL".
import { createSessionService } from '@chorus/auth';
import { createDb } from '@chorus/db';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../src/app.ts';

const env = process.env;
const logger = pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const db = createDb(env.DATABASE_URL!, { poolSize: Number(env.DB_POOL ?? 10) });

let redis: { pub: Redis; sub: Redis } | undefined;
if (env.REDIS_URL) {
	const pub = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
	const sub = pub.duplicate();
	for (const c of [pub, sub]) c.on('error', (err) => logger.warn({ err }, 'redis error'));
	redis = { pub, sub };
}

const app = createApp({
	db,
	sessions: createSessionService(db),
	databaseUrl: env.DATABASE_URL,
	logger,
	allowedOrigins: [env.ALLOWED_ORIGIN ?? 'http://chorus.test'],
	redis,
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
