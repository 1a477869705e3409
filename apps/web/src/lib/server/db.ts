import { createSessionService, type SessionService } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import { getEnv } from './env.ts';

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
