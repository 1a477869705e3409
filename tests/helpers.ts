import { randomBytes, randomInt } from 'node:crypto';
import { networkInterfaces } from 'node:os';
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
			oauthPerIp: number;
		};
		/** DATA_DIR of the shared web server (blobs/ and tmp/ inside). */
		dataDir: string;
		uploadMaxBytes: number;
		/** Spool folder of the test SMTP server (tests/mail-catcher.ts). */
		mailDir: string;
		/** The web app's configured ORIGIN: links in mail and OAuth redirects use it. */
		publicOrigin: string;
		/** Base URL of the loopback OAuth/OIDC provider (tests/oauth-provider.ts). */
		oauthProviderUrl: string;
	}
}

/**
 * An address of this machine that is not loopback (undefined when it has none): requests to it
 * come from it too, which is how tests play a peer on the network.
 */
export const lanAddress = Object.values(networkInterfaces())
	.flat()
	.find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

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

/** A playable-looking track row (its blob bytes are not needed by the realtime tier). */
export async function createTrack(
	db: Db,
	ownerId: string,
	opts: { title?: string; visibility?: 'private' | 'unlisted' | 'public'; durationMs?: number } = {}
) {
	const sha256 = randomBytes(32).toString('hex');
	await db.blob.create({ data: { sha256, sizeBytes: 1000n, mimeType: 'audio/mpeg' } });
	return db.track.create({
		data: {
			ownerId,
			blobSha256: sha256,
			title: opts.title ?? `Track ${sha256.slice(0, 6)}`,
			artist: 'Test Artist',
			durationMs: opts.durationMs ?? 180_000,
			container: 'MPEG',
			codec: 'MPEG 1 Layer 3',
			mimeType: 'audio/mpeg',
			sizeBytes: 1000n,
			visibility: opts.visibility ?? 'public',
			processingStatus: 'ready'
		}
	});
}

/** The room's version now: what a client that saw every broadcast bases playback commands on. */
export async function roomVersion(db: Db, roomId: string): Promise<number> {
	return Number((await db.room.findUniqueOrThrow({ where: { id: roomId } })).version);
}

export async function createRoom(
	db: Db,
	hostId: string,
	data: { name?: string; fairRotation?: boolean; maxPendingPerMember?: number } = {}
) {
	return db.room.create({
		data: {
			name: data.name ?? 'Test room',
			hostId,
			fairRotation: data.fairRotation,
			maxPendingPerMember: data.maxPendingPerMember,
			members: { create: { userId: hostId, role: 'host' } }
		}
	});
}

export async function addMember(
	db: Db,
	roomId: string,
	userId: string,
	role: 'cohost' | 'listener' = 'listener',
	/** joined_at keeps milliseconds: inserts in a row can tie, so order-sensitive tests set it. */
	joinedAt?: Date
) {
	return db.roomMember.create({ data: { roomId, userId, role, joinedAt } });
}
