import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export interface RedisPair {
	pub: Redis;
	sub: Redis;
}

/**
 * The Socket.IO adapter's publisher and subscriber. ioredis reconnects on its own; an unhandled
 * 'error' event would crash the process, so errors go to the log instead.
 */
export function connectRedis(url: string, logger: Logger): RedisPair {
	const pub = new Redis(url, { maxRetriesPerRequest: null });
	const sub = pub.duplicate();
	for (const client of [pub, sub]) client.on('error', (err) => logger.warn({ err }, 'redis error'));
	return { pub, sub };
}
