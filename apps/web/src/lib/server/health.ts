// Liveness and readiness of this web process (GET /livez, /readyz).
import { checkReadiness, redisCheck, type Readiness } from '@chorus/ops';
import { getStore } from './blobs.ts';
import { getDb } from './db.ts';
import { getRedis } from './redis.ts';

/** PostgreSQL, Redis when configured, and the blob store (local dir writable / bucket reachable). */
export function readiness(): Promise<Readiness> {
	const redis = getRedis();
	return checkReadiness({
		postgres: () => getDb().$queryRaw`SELECT 1`,
		...(redis && { redis: redisCheck(redis) }),
		storage: () => getStore().probe()
	});
}
