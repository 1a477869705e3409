import { Redis } from 'ioredis';
import { getEnv } from './env.ts';
import { logger } from './logger.ts';

let client: Redis | null | undefined;

/** Shared Redis connection, or null when REDIS_URL is unset (single-process mode). */
export function getRedis(): Redis | null {
	if (client !== undefined) return client;
	const url = getEnv().REDIS_URL;
	if (!url) return (client = null);
	const log = logger('redis');
	client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
	// Reconnects by itself; without a listener an outage would crash the server.
	client.on('error', (err) => log.warn({ err }, 'redis error'));
	return client;
}

/** Resolves once Redis is ready (or after a timeout: the app then runs with the in-memory fallbacks). */
export async function waitForRedis(timeoutMs = 5_000): Promise<void> {
	const redis = getRedis();
	if (!redis || redis.status === 'ready') return;
	await new Promise<void>((resolve) => {
		const timer = setTimeout(() => {
			logger('redis').warn('redis not ready yet; continuing');
			resolve();
		}, timeoutMs);
		redis.once('ready', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

export async function closeRedis(): Promise<void> {
	if (client) await client.quit().catch(() => client?.disconnect());
	client = undefined;
}
