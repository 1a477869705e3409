import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { eraseAccount } from '../account/delete.ts';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';
import { logger } from '../logger.ts';
import { recordAudit } from './audit.ts';
import type { Actor } from './roles.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** One run deletes at most this many guests; the next run goes on. */
export const GUEST_CLEANUP_BATCH = 500;

export const guestCleanupInput = z.strictObject({
	/** Defaults to GUEST_RETENTION_DAYS. */
	olderThanDays: z.number().int().min(1).max(3650).optional()
});

export const guestCleanupResultSchema = z.object({
	deleted: z.number(),
	olderThanDays: z.number(),
	cutoff: z.string()
});
export type GuestCleanupResult = z.infer<typeof guestCleanupResultSchema>;

/**
 * Guests nobody has used for `days`: created before the cutoff and with no session seen since
 * (a guest has no password, so once its sessions are gone nobody can ever sign in as it).
 */
async function abandonedGuests(cutoff: Date): Promise<string[]> {
	const rows = await getDb().$queryRaw<{ id: string }[]>`
		SELECT u.id FROM users u
		WHERE u.is_guest AND u.deleted_at IS NULL AND u.created_at < ${cutoff}
			AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.last_seen_at >= ${cutoff})
		ORDER BY u.created_at LIMIT ${GUEST_CLEANUP_BATCH}`;
	return rows.map((r) => r.id);
}

/**
 * Deletes abandoned guest accounts with the account deletion service (memberships, votes and
 * hosted rooms handled as for any deletion). `actor` null = the periodic job, which only logs
 * an audit entry when it deleted something.
 */
export async function cleanupGuests(
	actor: Actor | null,
	olderThanDays = getEnv().GUEST_RETENTION_DAYS
): Promise<GuestCleanupResult> {
	if (olderThanDays < 1)
		throw new ApiError(
			422,
			'UNPROCESSABLE',
			'Guest cleanup is off (GUEST_RETENTION_DAYS=0): say how many days to keep guests'
		);
	const cutoff = new Date(Date.now() - olderThanDays * DAY_MS);
	const log = logger('admin');
	let deleted = 0;
	for (const id of await abandonedGuests(cutoff)) {
		try {
			await eraseAccount(id);
			deleted++;
		} catch (err) {
			log.warn({ err, userId: id }, 'guest cleanup: deletion failed');
		}
	}
	const result = { deleted, olderThanDays, cutoff: cutoff.toISOString() };
	if (actor || deleted > 0) {
		await recordAudit(getDb(), actor, {
			action: 'guests.cleanup',
			targetType: 'instance',
			targetLabel: 'Guest accounts',
			details: result
		});
	}
	if (deleted > 0) log.info(result, 'abandoned guest accounts deleted');
	return result;
}

let timer: ReturnType<typeof setInterval> | undefined;

/** Seconds after start-up of the first run, so a restarted server catches up soon. */
export const GUEST_CLEANUP_FIRST_RUN_MS = 5_000;

/**
 * Every GUEST_CLEANUP_INTERVAL_MINUTES in each web process (and once shortly after start). With
 * several processes two runs may pick the same guest: the second deletion finds it gone, fails
 * alone and is logged; each deletion is its own transaction, so nothing is left half done.
 */
export function startGuestCleanup(): void {
	const env = getEnv();
	if (env.GUEST_RETENTION_DAYS === 0 || env.GUEST_CLEANUP_INTERVAL_MINUTES === 0) return;
	const run = () =>
		cleanupGuests(null).catch((err) => logger('admin').warn({ err }, 'guest cleanup failed'));
	timer = setInterval(run, env.GUEST_CLEANUP_INTERVAL_MINUTES * 60_000);
	timer.unref();
	setTimeout(run, GUEST_CLEANUP_FIRST_RUN_MS).unref();
}

export function stopGuestCleanup(): void {
	if (timer) clearInterval(timer);
	timer = undefined;
}
