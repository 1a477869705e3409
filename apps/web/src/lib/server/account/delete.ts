import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { audioKey, getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { deleteCoverIfUnused } from '../library/tracks.ts';
import { logger } from '../logger.ts';
import { confirmPassword } from '../auth/service.ts';
import { forgetAuthor, leaveAllRooms } from '../rooms/rooms.ts';

export const deleteAccountInput = z.strictObject({
	/** Your email or display name, typed out: deletion cannot be undone. */
	confirm: z.string().trim().min(1, 'Type your email or display name to confirm').max(200),
	/** Required when the account has a password. */
	password: z.string().max(1024).optional()
});

export const DELETED_USER_NAME = 'Deleted user';

export interface DeletionResult {
	/** True when uploads others still use kept the user row as an anonymous tombstone. */
	tombstone: boolean;
	deletedTracks: number;
	keptTracks: number;
}

/**
 * Deletes an account. Definition of a *referenced* upload (kept, owned by a tombstone): a track
 * of the user's that another user still uses — it is in another user's playlist, liked by another
 * user, or in the queue of an open room that has other members. Every other upload is deleted,
 * with its audio blob when no other track shares it (and its cover when unused).
 *
 * One transaction removes the user's likes (keeping tracks.like_count right), votes (keeping
 * queue scores right), plays, playlists, room memberships, sessions (the row deletes disconnect
 * live sockets), sign-in identities, tokens and recovery codes. Rooms the user hosts pass to
 * an heir; those nobody else is in are closed. Realtime nodes are told which rooms changed.
 * Chat messages stay, anonymized ("Deleted user").
 */
export async function deleteAccount(
	userId: string,
	input: z.output<typeof deleteAccountInput>
): Promise<DeletionResult> {
	const db = getDb();
	const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
	const typed = input.confirm.trim().toLowerCase();
	if (typed !== user.email?.toLowerCase() && typed !== user.displayName.trim().toLowerCase()) {
		throw new ApiError(400, 'VALIDATION', 'Type your email or display name to confirm');
	}
	if (user.passwordHash) {
		await confirmPassword({ ...user, passwordHash: user.passwordHash }, input.password);
	}
	return eraseAccount(userId);
}

/**
 * The deletion itself, once whoever asked has been checked: the account's own confirmation
 * (deleteAccount), an admin (admin/users.ts) or the abandoned-guest cleanup.
 */
export async function eraseAccount(userId: string): Promise<DeletionResult> {
	const db = getDb();
	const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
	const freedBlobs: string[] = [];
	const covers = new Set<string>();
	const result = await db.$transaction(
		async (tx) => {
			await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
			// Likes: the counter first, while the rows still say which tracks to decrement.
			await tx.$executeRaw`
				UPDATE tracks SET like_count = GREATEST(like_count - 1, 0)
				WHERE id IN (SELECT track_id FROM track_likes WHERE user_id = ${userId}::uuid)`;
			await tx.trackLike.deleteMany({ where: { userId } });
			await tx.play.deleteMany({ where: { userId } });
			await tx.playlist.deleteMany({ where: { ownerId: userId } });
			await leaveAllRooms(tx, userId);
			await tx.session.deleteMany({ where: { userId } });

			const tracks = await tx.$queryRaw<
				{ id: string; blobSha256: string; coverSha256: string | null; referenced: boolean }[]
			>`
				SELECT t.id, t.blob_sha256 AS "blobSha256", t.cover_sha256 AS "coverSha256",
					(EXISTS (SELECT 1 FROM playlist_items pi JOIN playlists p ON p.id = pi.playlist_id
						WHERE pi.track_id = t.id AND p.owner_id <> ${userId}::uuid)
					OR EXISTS (SELECT 1 FROM track_likes l
						WHERE l.track_id = t.id AND l.user_id <> ${userId}::uuid)
					OR EXISTS (SELECT 1 FROM queue_items q JOIN rooms r ON r.id = q.room_id
						WHERE q.track_id = t.id AND r.closed_at IS NULL AND EXISTS (
							SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id <> ${userId}::uuid))
					) AS referenced
				FROM tracks t WHERE t.owner_id = ${userId}::uuid`;
			const doomed = tracks.filter((t) => !t.referenced);
			for (const t of doomed) {
				// Uploads take the same row lock before referencing a blob (as deleteTrack does).
				await tx.$queryRaw`SELECT sha256 FROM blobs WHERE sha256 = ${t.blobSha256} FOR UPDATE`;
				await tx.track.delete({ where: { id: t.id } });
				if (t.coverSha256) covers.add(t.coverSha256);
				if ((await tx.track.count({ where: { blobSha256: t.blobSha256 } })) === 0) {
					await tx.blob.delete({ where: { sha256: t.blobSha256 } });
					freedBlobs.push(t.blobSha256);
				}
			}
			const kept = tracks.length - doomed.length;
			if (kept > 0) {
				// A tombstone: nothing left to sign in with or to identify the person by.
				await forgetAuthor(tx, userId);
				await tx.oAuthIdentity.deleteMany({ where: { userId } });
				await tx.linkedAccount.deleteMany({ where: { userId } });
				await tx.emailToken.deleteMany({ where: { userId } });
				await tx.recoveryCode.deleteMany({ where: { userId } });
				await tx.user.update({
					where: { id: userId },
					data: {
						email: null,
						passwordHash: null,
						displayName: DELETED_USER_NAME,
						deletedAt: new Date(),
						isAdmin: false,
						avatarKey: null,
						avatarUpdatedAt: null,
						emailVerifiedAt: null,
						totpKey: null,
						totpPendingKey: null,
						totpLastStep: null,
						totpEnabledAt: null
					}
				});
			} else {
				// Cascades remove identities, tokens and codes; chat messages keep a null author.
				await tx.user.delete({ where: { id: userId } });
			}
			return { tombstone: kept > 0, deletedTracks: doomed.length, keptTracks: kept };
		},
		{ timeout: 60_000 }
	);

	// Objects go after the commit: a rolled-back deletion must not lose audio.
	const store = getStore();
	const log = logger('account');
	await Promise.all([
		...freedBlobs.map((sha) =>
			store.delete(audioKey(sha)).catch((err) => log.warn({ err }, 'blob delete failed'))
		),
		...(user.avatarKey
			? [store.delete(user.avatarKey).catch((err) => log.warn({ err }, 'avatar delete failed'))]
			: []),
		...[...covers].map((sha) => deleteCoverIfUnused(db, sha))
	]);
	log.info({ userId, ...result }, 'account deleted');
	return result;
}
