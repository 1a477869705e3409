import { createHash, randomBytes } from 'node:crypto';
import type { Prisma } from '@chorus/db';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';

export type EmailTokenPurpose = 'verify' | 'reset' | 'change';

/** 256 random bits, base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const VERIFY_TTL_MS = 24 * 60 * 60 * 1000;
export const CHANGE_TTL_MS = 24 * 60 * 60 * 1000;
export const RESET_TTL_MS = 15 * 60 * 1000;

/** Any string up to a sane length: a malformed token is INVALID_TOKEN, like an unknown one. */
export const tokenField = z.string().max(256);

export const invalidToken = () =>
	new ApiError(400, 'INVALID_TOKEN', 'This link is invalid, expired or already used');

/** Only the SHA-256 of a token is stored: a database leak does not hand out working links. */
export const hashToken = (token: string): Uint8Array<ArrayBuffer> =>
	new Uint8Array(createHash('sha256').update(token).digest());

/**
 * Issues a single-use token. Older unused tokens of the same purpose for this user stop
 * working: only the newest link in the inbox is live.
 */
export async function issueToken(
	userId: string,
	purpose: EmailTokenPurpose,
	email: string,
	ttlMs: number
): Promise<string> {
	const token = randomBytes(TOKEN_BYTES).toString('base64url');
	const db = getDb();
	await db.$transaction([
		db.emailToken.deleteMany({ where: { userId, purpose, usedAt: null } }),
		db.emailToken.create({
			data: {
				userId,
				purpose,
				email,
				tokenHash: hashToken(token),
				expiresAt: new Date(Date.now() + ttlMs)
			}
		})
	]);
	return token;
}

/** The token's row if it is well-formed, of one of `purposes`, unused and unexpired; else null. */
export async function findLiveToken(token: string, purposes: EmailTokenPurpose[]) {
	if (!TOKEN_PATTERN.test(token)) return null;
	const row = await getDb().emailToken.findUnique({
		where: { tokenHash: hashToken(token) },
		include: { user: true }
	});
	if (!row || !purposes.includes(row.purpose) || row.usedAt || row.expiresAt <= new Date())
		return null;
	if (row.user.deletedAt) return null;
	return row;
}

/**
 * Marks the token used inside `tx`, as a compare-and-set: of two concurrent uses exactly one
 * sees count 1 (the other's UPDATE re-checks `used_at IS NULL` after the first commits).
 */
export async function spendToken(tx: Prisma.TransactionClient, id: string): Promise<void> {
	const { count } = await tx.emailToken.updateMany({
		where: { id, usedAt: null, expiresAt: { gt: new Date() } },
		data: { usedAt: new Date() }
	});
	if (count !== 1) throw invalidToken();
}
