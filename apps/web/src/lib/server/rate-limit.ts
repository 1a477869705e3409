import {
	RateLimiterMemory,
	RateLimiterRedis,
	RateLimiterRes,
	type RateLimiterAbstract
} from 'rate-limiter-flexible';
import { getEnv } from './env.ts';
import { getRedis } from './redis.ts';
import { ApiError } from './api/errors.ts';

interface LimiterSpec {
	name: string;
	points: number;
	durationSec: number;
}

function limiter({ name, points, durationSec }: LimiterSpec): RateLimiterAbstract {
	const keyPrefix = `${getEnv().RATE_LIMIT_NAMESPACE}:rl:${name}`;
	const redis = getRedis();
	if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration: durationSec });
	return new RateLimiterRedis({
		storeClient: redis,
		keyPrefix,
		points,
		duration: durationSec,
		// If Redis is down, keep limiting per process rather than failing open or closed.
		insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationSec })
	});
}

let limiters: ReturnType<typeof build> | undefined;
function build() {
	const env = getEnv();
	return {
		loginAccount: limiter({
			name: 'login-account',
			points: env.RATE_LIMIT_LOGIN_PER_ACCOUNT,
			durationSec: 15 * 60
		}),
		loginIp: limiter({
			name: 'login-ip',
			points: env.RATE_LIMIT_LOGIN_PER_IP,
			durationSec: 15 * 60
		}),
		registerIp: limiter({
			name: 'register-ip',
			points: env.RATE_LIMIT_REGISTER_PER_IP,
			durationSec: 60 * 60
		}),
		inviteIp: limiter({
			name: 'invite-ip',
			points: env.RATE_LIMIT_INVITE_PER_IP,
			durationSec: 15 * 60
		}),
		/** Key: `<purpose>:<user id or email>`, so resends and resets have separate budgets. */
		emailAccount: limiter({
			name: 'email-account',
			points: env.RATE_LIMIT_EMAIL_PER_ACCOUNT,
			durationSec: 60 * 60
		}),
		emailIp: limiter({
			name: 'email-ip',
			points: env.RATE_LIMIT_EMAIL_PER_IP,
			durationSec: 60 * 60
		}),
		/** Each callback costs a code exchange and a profile request at the provider. */
		oauthIp: limiter({
			name: 'oauth-ip',
			points: env.RATE_LIMIT_OAUTH_PER_IP,
			durationSec: 15 * 60
		}),
		/** Wrong TOTP / recovery codes, keyed by user id. */
		totpAccount: limiter({
			name: 'totp-account',
			points: env.RATE_LIMIT_TOTP_PER_ACCOUNT,
			durationSec: 15 * 60
		})
	};
}
export function getLimiters() {
	limiters ??= build();
	return limiters;
}

function tooMany(res: RateLimiterRes): ApiError {
	const retryAfterSec = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
	return new ApiError(429, 'RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSec} s.`, {
		'retry-after': String(retryAfterSec)
	});
}

/** Throws 429 when any of the keys is already over its limit, without spending a point. */
export async function assertNotLimited(checks: [RateLimiterAbstract, string][]): Promise<void> {
	for (const [l, key] of checks) {
		const res = await l.get(key);
		if (res && res.consumedPoints >= l.points) throw tooMany(res);
	}
}

/** Spends a point on each key; throws 429 if that crossed a limit. */
export async function consume(checks: [RateLimiterAbstract, string][]): Promise<void> {
	for (const [l, key] of checks) {
		try {
			await l.consume(key);
		} catch (res) {
			if (res instanceof RateLimiterRes) throw tooMany(res);
			throw res;
		}
	}
}
