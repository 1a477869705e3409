import { hashPassword } from '@chorus/auth';
import type { Session } from '@chorus/db';
import { passwordSchema } from '@chorus/protocol';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { assertStrongPassword, confirmPassword } from '../auth/service.ts';
import { deviceLabel } from './user-agent.ts';

// Deleting a sessions row is the whole of revoking it: a trigger NOTIFYs the realtime nodes,
// which disconnect that session's sockets.

export const sessionJsonSchema = z.object({
	/** The session's public id (the token's secret half is never shown). */
	id: z.string(),
	current: z.boolean(),
	createdAt: z.string(),
	lastSeenAt: z.string(),
	expiresAt: z.string(),
	ip: z.string().nullable(),
	userAgent: z.string().nullable(),
	device: z.string()
});
export type SessionJson = z.infer<typeof sessionJsonSchema>;

function toJson(s: Session, currentId: string): SessionJson {
	return {
		id: s.id,
		current: s.id === currentId,
		createdAt: s.createdAt.toISOString(),
		lastSeenAt: s.lastSeenAt.toISOString(),
		expiresAt: s.expiresAt.toISOString(),
		ip: s.ip,
		userAgent: s.userAgent,
		device: deviceLabel(s.userAgent)
	};
}

/** The user's live sessions, the current one first, then the most recently used. */
export async function listSessions(userId: string, currentId: string): Promise<SessionJson[]> {
	const rows = await getDb().session.findMany({
		where: { userId, expiresAt: { gt: new Date() } },
		orderBy: { lastSeenAt: 'desc' }
	});
	return rows
		.map((s) => toJson(s, currentId))
		.sort((a, b) => Number(b.current) - Number(a.current));
}

/** Signs one of the user's own sessions out; someone else's id is 404, as an unknown one. */
export async function revokeSession(userId: string, sessionId: string): Promise<void> {
	const { count } = await getDb().session.deleteMany({ where: { id: sessionId, userId } });
	if (count === 0) throw new ApiError(404, 'NOT_FOUND', 'No such session');
}

/** "Sign out everywhere else" (keepId set) or "everywhere" (keepId null); returns how many. */
export async function revokeSessions(userId: string, keepId: string | null): Promise<number> {
	const { count } = await getDb().session.deleteMany({
		where: { userId, ...(keepId ? { id: { not: keepId } } : {}) }
	});
	return count;
}

/** Whether the account has a password (accounts made by GitHub or Google sign-in may not). */
export async function hasPassword(userId: string): Promise<boolean> {
	const row = await getDb().user.findUnique({
		where: { id: userId },
		select: { passwordHash: true }
	});
	return !!row?.passwordHash;
}

export const passwordChangeInput = z.strictObject({
	currentPassword: z.string().min(1, 'Enter your current password').max(1024),
	newPassword: passwordSchema
});

/**
 * Changes the password after checking the current one (wrong guesses spend the same per-account
 * budget as sign-in, so a stolen session cannot brute-force it), then signs every other session out.
 */
export async function changePassword(
	userId: string,
	currentSessionId: string,
	input: z.output<typeof passwordChangeInput>
): Promise<void> {
	const db = getDb();
	const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
	if (!user.passwordHash) {
		throw new ApiError(409, 'CONFLICT', 'This account has no password to change');
	}
	await confirmPassword({ ...user, passwordHash: user.passwordHash }, input.currentPassword);
	assertStrongPassword(input.newPassword, user, 'newPassword');
	const passwordHash = await hashPassword(input.newPassword);
	await db.$transaction([
		db.user.update({ where: { id: userId }, data: { passwordHash } }),
		db.session.deleteMany({ where: { userId, id: { not: currentSessionId } } })
	]);
}
