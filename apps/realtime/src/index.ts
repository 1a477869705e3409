import { createSessionService } from '@chorus/auth';
import { createDb } from '@chorus/db';
import { createApp } from './app.ts';
import { parseEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { connectRedis } from './redis.ts';

const env = parseEnv();
const logger = createLogger(env.LOG_LEVEL);
const db = createDb(env.DATABASE_URL);

const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger) : undefined;

const app = createApp({
	db,
	sessions: createSessionService(db),
	databaseUrl: env.DATABASE_URL,
	logger,
	allowedOrigins: env.REALTIME_ALLOWED_ORIGINS,
	redis,
	adapterKey: env.REDIS_ADAPTER_KEY,
	idlePauseMs: env.ROOM_IDLE_PAUSE_SEC * 1000,
	metricsToken: env.METRICS_TOKEN,
	nodeId: env.NODE_ID,
	eventLimits: {
		points: env.EVENT_RATE_POINTS,
		durationSec: env.EVENT_RATE_WINDOW_SEC,
		keyPrefix: `${env.RATE_LIMIT_NAMESPACE}:rt`
	}
});

app.httpServer.listen(env.PORT, env.HOST, () => {
	logger.info(
		{ port: env.PORT, adapter: redis ? 'redis' : 'memory', origins: env.REALTIME_ALLOWED_ORIGINS },
		'realtime listening'
	);
});

let stopping = false;
async function shutdown(signal: string) {
	if (stopping) return;
	stopping = true;
	logger.info({ signal }, 'draining');
	const force = setTimeout(() => process.exit(1), 10_000);
	force.unref();
	await app.close();
	await db.$disconnect();
	if (redis) await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
	logger.info('stopped');
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
