import type { SessionUser } from '@chorus/auth';
import { Prisma } from '@chorus/db';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';

type Tx = Prisma.TransactionClient;

export interface AdminFlags {
	isAdmin: boolean;
	email: string | null;
	emailVerifiedAt: Date | null;
	disabledAt: Date | null;
	deletedAt: Date | null;
	isGuest: boolean;
}

/**
 * An email in ADMIN_EMAILS counts only once verified: otherwise whoever signed up first with
 * that address (it is public in the config) would become admin without owning it.
 */
export function isEnvAdmin(u: Pick<AdminFlags, 'email' | 'emailVerifiedAt'>): boolean {
	return !!u.email && u.emailVerifiedAt !== null && getEnv().ADMIN_EMAILS.includes(u.email);
}

/** Admin = the stored role or a verified ADMIN_EMAILS address; never a disabled or deleted account. */
export function hasAdminRole(u: AdminFlags): boolean {
	if (u.disabledAt || u.deletedAt || u.isGuest) return false;
	return u.isAdmin || isEnvAdmin(u);
}

const FLAGS = {
	isAdmin: true,
	email: true,
	emailVerifiedAt: true,
	disabledAt: true,
	deletedAt: true,
	isGuest: true
} as const;

export async function isAdmin(userId: string): Promise<boolean> {
	const u = await getDb().user.findUnique({ where: { id: userId }, select: FLAGS });
	return !!u && hasAdminRole(u);
}

export type Actor = Pick<SessionUser, 'id' | 'displayName' | 'email'>;

/**
 * The one check in front of every admin service call (pages, form actions and the API alike):
 * 401 without a user, 403 for anyone who is not an admin right now (read from the database on
 * each call, so a revoked role or a disabled account stops working at once).
 */
export async function requireAdmin(user: SessionUser | null): Promise<Actor> {
	if (!user) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first');
	if (!(await isAdmin(user.id)))
		throw new ApiError(403, 'FORBIDDEN', 'Only instance admins can do that');
	return { id: user.id, displayName: user.displayName, email: user.email };
}

/**
 * Makes a just-created account the admin when it is the instance's first account (no other
 * signed-up, non-deleted user). The advisory lock orders concurrent first sign-ups, so exactly
 * one of them wins; call it in the transaction that created the user.
 */
export async function grantFirstAdmin(tx: Tx, userId: string): Promise<boolean> {
	await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('chorus:first-admin'))`;
	const n = await tx.$executeRaw`
		UPDATE users SET is_admin = true WHERE id = ${userId}::uuid AND NOT EXISTS (
			SELECT 1 FROM users u WHERE u.id <> ${userId}::uuid AND NOT u.is_guest AND u.deleted_at IS NULL)`;
	return n > 0;
}

/** Admins who can act now: the stored role plus verified ADMIN_EMAILS, not disabled or deleted. */
export async function countActiveAdmins(tx: Tx | ReturnType<typeof getDb> = getDb()) {
	const emails = getEnv().ADMIN_EMAILS;
	return tx.user.count({
		where: {
			disabledAt: null,
			deletedAt: null,
			isGuest: false,
			OR: [{ isAdmin: true }, { email: { in: emails }, emailVerifiedAt: { not: null } }]
		}
	});
}
