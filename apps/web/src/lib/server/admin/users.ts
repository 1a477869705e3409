import { Prisma } from '@chorus/db';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { eraseAccount, type DeletionResult } from '../account/delete.ts';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';
import { logger } from '../logger.ts';
import { recordAudit } from './audit.ts';
import { countActiveAdmins, hasAdminRole, isEnvAdmin, type Actor } from './roles.ts';

export const USERS_PAGE_SIZE = 25;
/** 1 PiB: a quota beyond any disk, and still exact in a JSON number. */
export const MAX_QUOTA_BYTES = 2 ** 50;

export const usersQuery = z.strictObject({
	q: z.string().trim().max(200).optional(),
	page: z.coerce.number().int().min(1).max(100_000).default(1),
	/** all (default), admins, disabled, guests */
	filter: z.enum(['all', 'admins', 'disabled', 'guests']).default('all')
});

export const adminUserSchema = z.object({
	id: z.uuid(),
	email: z.string().nullable(),
	displayName: z.string(),
	isGuest: z.boolean(),
	isAdmin: z.boolean(),
	/** Admin through ADMIN_EMAILS: the role cannot be changed here. */
	adminFromEnv: z.boolean(),
	disabledAt: z.string().nullable(),
	createdAt: z.string(),
	lastSeenAt: z.string().nullable(),
	usedBytes: z.number(),
	trackCount: z.number(),
	/** The user's own quota, or null when USER_QUOTA_BYTES applies. */
	quotaBytes: z.number().nullable(),
	effectiveQuotaBytes: z.number()
});
export type AdminUser = z.infer<typeof adminUserSchema>;

export const usersPageSchema = z.object({
	users: z.array(adminUserSchema),
	page: z.number(),
	pageSize: z.number(),
	total: z.number()
});
export type UsersPage = z.infer<typeof usersPageSchema>;

export const userPatchInput = z
	.strictObject({
		disabled: z.boolean().optional(),
		/** Bytes; null = back to USER_QUOTA_BYTES. */
		uploadQuotaBytes: z.number().int().min(0).max(MAX_QUOTA_BYTES).nullable().optional(),
		admin: z.boolean().optional()
	})
	.refine((o) => Object.keys(o).length > 0, 'Send at least one field to change');

type UserRow = Prisma.UserGetPayload<object>;

const notFound = () => new ApiError(404, 'NOT_FOUND', 'No such user');
const isUuid = (s: string) => z.uuid().safeParse(s).success;

async function withUsage(rows: UserRow[]): Promise<AdminUser[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const db = getDb();
	const [usage, seen] = await Promise.all([
		db.track.groupBy({
			by: ['ownerId'],
			where: { ownerId: { in: ids } },
			_sum: { sizeBytes: true },
			_count: { _all: true }
		}),
		db.session.groupBy({
			by: ['userId'],
			where: { userId: { in: ids } },
			_max: { lastSeenAt: true }
		})
	]);
	const used = new Map(usage.map((u) => [u.ownerId, u]));
	const last = new Map(seen.map((s) => [s.userId, s._max.lastSeenAt]));
	const defaultQuota = getEnv().USER_QUOTA_BYTES;
	return rows.map((r) => ({
		id: r.id,
		email: r.email,
		displayName: r.displayName,
		isGuest: r.isGuest,
		isAdmin: hasAdminRole(r),
		adminFromEnv: isEnvAdmin(r),
		disabledAt: r.disabledAt?.toISOString() ?? null,
		createdAt: r.createdAt.toISOString(),
		lastSeenAt: last.get(r.id)?.toISOString() ?? null,
		usedBytes: Number(used.get(r.id)?._sum.sizeBytes ?? 0n),
		trackCount: used.get(r.id)?._count._all ?? 0,
		quotaBytes: r.uploadQuotaBytes === null ? null : Number(r.uploadQuotaBytes),
		effectiveQuotaBytes: r.uploadQuotaBytes === null ? defaultQuota : Number(r.uploadQuotaBytes)
	}));
}

/** Accounts (not deletion tombstones), newest first; `q` matches email or display name. */
export async function listUsers(q: z.output<typeof usersQuery>): Promise<UsersPage> {
	const db = getDb();
	const emails = getEnv().ADMIN_EMAILS;
	const where: Prisma.UserWhereInput = {
		deletedAt: null,
		...(q.q
			? {
					OR: [
						{ email: { contains: q.q, mode: 'insensitive' } },
						{ displayName: { contains: q.q, mode: 'insensitive' } }
					]
				}
			: {}),
		...(q.filter === 'disabled' ? { disabledAt: { not: null } } : {}),
		...(q.filter === 'guests' ? { isGuest: true } : {}),
		...(q.filter === 'admins'
			? {
					AND: [
						{
							OR: [{ isAdmin: true }, { email: { in: emails }, emailVerifiedAt: { not: null } }]
						}
					]
				}
			: {})
	};
	const [rows, total] = await Promise.all([
		db.user.findMany({
			where,
			orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
			skip: (q.page - 1) * USERS_PAGE_SIZE,
			take: USERS_PAGE_SIZE
		}),
		db.user.count({ where })
	]);
	return { users: await withUsage(rows), page: q.page, pageSize: USERS_PAGE_SIZE, total };
}

async function findUser(id: string): Promise<UserRow> {
	if (!isUuid(id)) throw notFound();
	const row = await getDb().user.findUnique({ where: { id } });
	if (!row || row.deletedAt) throw notFound();
	return row;
}

export async function getUser(id: string): Promise<AdminUser> {
	return (await withUsage([await findUser(id)]))[0]!;
}

const userLabel = (u: Pick<UserRow, 'displayName' | 'email'>) =>
	u.email ? `${u.displayName} <${u.email}>` : `${u.displayName} (guest)`;

/**
 * The rules that keep an instance administrable: nobody disables, deletes or demotes
 * themselves here (their own account page can delete it), and the last admin stays.
 */
async function assertNotLastAdmin(tx: Prisma.TransactionClient, target: UserRow, what: string) {
	if (hasAdminRole(target) && (await countActiveAdmins(tx)) <= 1)
		throw new ApiError(409, 'CONFLICT', `You cannot ${what} the last admin`);
}

/**
 * Applies one admin's changes to a user; each change is its own audit entry, in the same
 * transaction. Disabling deletes every session of the user at once: the sessions trigger tells
 * every realtime node, which ends those sockets.
 */
export async function updateUser(
	actor: Actor,
	id: string,
	input: z.output<typeof userPatchInput>
): Promise<AdminUser> {
	const db = getDb();
	await findUser(id);
	await db.$transaction(async (tx) => {
		// One admin change to an account at a time (two admins demoting each other, say).
		await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('chorus:admin-roles'))`;
		const user = await tx.user.findUniqueOrThrow({ where: { id } });
		const self = user.id === actor.id;
		const target = { targetType: 'user' as const, targetId: user.id, targetLabel: userLabel(user) };

		if (input.disabled !== undefined && input.disabled !== (user.disabledAt !== null)) {
			if (input.disabled) {
				if (self) throw new ApiError(409, 'CONFLICT', 'You cannot disable your own account');
				await assertNotLastAdmin(tx, user, 'disable');
				await tx.user.update({ where: { id }, data: { disabledAt: new Date() } });
				const { count } = await tx.session.deleteMany({ where: { userId: id } });
				await recordAudit(tx, actor, {
					action: 'user.disable',
					...target,
					details: { sessionsEnded: count }
				});
			} else {
				await tx.user.update({ where: { id }, data: { disabledAt: null } });
				await recordAudit(tx, actor, { action: 'user.enable', ...target });
			}
		}

		if (input.uploadQuotaBytes !== undefined) {
			const from = user.uploadQuotaBytes === null ? null : Number(user.uploadQuotaBytes);
			if (from !== input.uploadQuotaBytes) {
				await tx.user.update({
					where: { id },
					data: {
						uploadQuotaBytes:
							input.uploadQuotaBytes === null ? null : BigInt(input.uploadQuotaBytes)
					}
				});
				await recordAudit(tx, actor, {
					action: 'user.quota',
					...target,
					details: { from, to: input.uploadQuotaBytes, default: getEnv().USER_QUOTA_BYTES }
				});
			}
		}

		if (input.admin === false && isEnvAdmin(user))
			throw new ApiError(
				409,
				'CONFLICT',
				'This account is an admin through ADMIN_EMAILS; change the configuration instead'
			);
		if (input.admin !== undefined && input.admin !== user.isAdmin) {
			if (input.admin) {
				if (user.isGuest)
					throw new ApiError(422, 'UNPROCESSABLE', 'A guest account cannot be an admin');
				if (user.disabledAt)
					throw new ApiError(422, 'UNPROCESSABLE', 'Enable the account before making it an admin');
			} else {
				if (self) throw new ApiError(409, 'CONFLICT', 'You cannot remove your own admin role');
				await assertNotLastAdmin(tx, user, 'remove');
			}
			await tx.user.update({ where: { id }, data: { isAdmin: input.admin } });
			await recordAudit(tx, actor, {
				action: 'user.role',
				...target,
				details: { admin: input.admin }
			});
		}
	});
	return getUser(id);
}

/**
 * Deletes an account as its owner would (account/delete.ts: uploads others use stay under a
 * tombstone), after the admin rules. The audit entry is written once the deletion committed,
 * with what it did.
 */
export async function deleteUser(actor: Actor, id: string): Promise<DeletionResult> {
	const user = await findUser(id);
	if (user.id === actor.id)
		throw new ApiError(409, 'CONFLICT', 'Delete your own account from your account settings');
	await getDb().$transaction(async (tx) => {
		await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('chorus:admin-roles'))`;
		await assertNotLastAdmin(tx, await tx.user.findUniqueOrThrow({ where: { id } }), 'delete');
	});
	const result = await eraseAccount(id);
	await recordAudit(getDb(), actor, {
		action: 'user.delete',
		targetType: 'user',
		targetId: id,
		targetLabel: userLabel(user),
		details: { ...result, wasGuest: user.isGuest }
	});
	logger('admin').info({ actorId: actor.id, userId: id }, 'account deleted by an admin');
	return result;
}
