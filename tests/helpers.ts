import { randomBytes, randomInt } from 'node:crypto';
import { hashPassword, type SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';

// Values tests/global-setup.ts provides to the integration tier.
declare module 'vitest' {
	export interface ProvidedContext {
		databaseUrl: string;
		redisUrl: string | null;
		webUrl: string;
		rateLimits: {
			loginPerAccount: number;
			loginPerIp: number;
			registerPerIp: number;
			invitePerIp: number;
		};
		/** DATA_DIR of the shared web server (blobs/ and tmp/ inside). */
		dataDir: string;
		uploadMaxBytes: number;
	}
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomBytes(6).toString('hex')}@test.chorus`;

/** A random documentation-range address (RFC 5737) so each test has its own rate-limit bucket. */
export const randomIp = () => `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`;

export async function createUser(db: Db, name = 'Tester') {
	return db.user.create({
		data: {
			email: uniqueEmail(),
			displayName: name,
			passwordHash: await hashPassword('password-123')
		}
	});
}

export async function createUserWithSession(db: Db, sessions: SessionService, name?: string) {
	const user = await createUser(db, name);
	const { token, session } = await sessions.create(user.id);
	return { user, token, session };
}
