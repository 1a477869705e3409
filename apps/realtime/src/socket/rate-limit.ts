import { AppError } from '@chorus/protocol';
import type { Redis } from 'ioredis';
import type { EventBudget } from '../engine/index.ts';
import {
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
	type RateLimiterAbstract
} from 'rate-limiter-flexible';

export interface EventLimits {
	/** Events a user may send per window, summed over all their sockets and nodes. */
	points: number;
	durationSec: number;
	/** Namespaces keys so separate deployments (or test runs) sharing a Redis never collide. */
	keyPrefix: string;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
	points: 40,
	durationSec: 2,
	keyPrefix: 'chorus:rt'
};

export type EventLimiter = EventBudget;

/**
 * Per-user limit, Redis-backed so it holds across nodes. The Redis client must fail fast
 * (no offline queue): while Redis is down the in-memory insurance limiter takes over per node.
 */
export function createEventLimiter(limits: EventLimits, redis?: Redis): EventLimiter {
	const opts = {
		keyPrefix: `${limits.keyPrefix}:events`,
		points: limits.points,
		duration: limits.durationSec
	};
	const limiter: RateLimiterAbstract = redis
		? new RateLimiterRedis({
				...opts,
				storeClient: redis,
				insuranceLimiter: new RateLimiterMemory(opts)
			})
		: new RateLimiterMemory(opts);
	return {
		async consume(userId, cost = 1) {
			try {
				await limiter.consume(userId, cost);
			} catch (err) {
				if (err instanceof RateLimiterRes) {
					const sec = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
					throw new AppError('RATE_LIMITED', `Too many actions; try again in ${sec} s`);
				}
				throw err;
			}
		}
	};
}
