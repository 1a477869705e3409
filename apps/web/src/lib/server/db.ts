import { createSessionService, type SessionService } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import { getEnv } from './env.ts';
import { closeRedis } from './redis.ts';

let db: Db | undefined;
let sessions: SessionService | undefined;

export function getDb(): Db {
	db ??= createDb(getEnv().DATABASE_URL);
	return db;
}

export function getSessions(): SessionService {
	sessions ??= createSessionService(getDb());
	return sessions;
}

/** Closes the database pool and Redis so the process can exit after the server stops. */
export async function closeConnections(): Promise<void> {
	await Promise.allSettled([db?.$disconnect(), closeRedis()]);
	db = undefined;
	sessions = undefined;
}
