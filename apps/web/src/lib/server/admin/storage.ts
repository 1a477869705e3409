import { z } from 'zod';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';

export const storageUsageSchema = z.object({
	/** Bytes of audio actually stored: identical uploads share one blob. */
	storedBytes: z.number(),
	blobCount: z.number(),
	/** Sum of every track's size, as quotas count it (shared blobs counted once per track). */
	uploadedBytes: z.number(),
	trackCount: z.number(),
	defaultQuotaBytes: z.number(),
	/** The users storing the most, largest first. */
	topUsers: z.array(
		z.object({
			id: z.uuid(),
			displayName: z.string(),
			email: z.string().nullable(),
			usedBytes: z.number(),
			trackCount: z.number()
		})
	)
});
export type StorageUsage = z.infer<typeof storageUsageSchema>;

export const STORAGE_TOP_USERS = 10;

/** Audio only: covers and avatars are small derived images and are not counted. */
export async function storageUsage(): Promise<StorageUsage> {
	const db = getDb();
	const [blobs, tracks, top] = await Promise.all([
		db.blob.aggregate({ _sum: { sizeBytes: true }, _count: { _all: true } }),
		db.track.aggregate({ _sum: { sizeBytes: true }, _count: { _all: true } }),
		db.$queryRaw<
			{ id: string; displayName: string; email: string | null; used: bigint; n: bigint }[]
		>`
			SELECT u.id, u.display_name AS "displayName", u.email, SUM(t.size_bytes) AS used, COUNT(*) AS n
			FROM tracks t JOIN users u ON u.id = t.owner_id
			GROUP BY u.id ORDER BY used DESC, u.id LIMIT ${STORAGE_TOP_USERS}`
	]);
	return {
		storedBytes: Number(blobs._sum.sizeBytes ?? 0n),
		blobCount: blobs._count._all,
		uploadedBytes: Number(tracks._sum.sizeBytes ?? 0n),
		trackCount: tracks._count._all,
		defaultQuotaBytes: getEnv().USER_QUOTA_BYTES,
		topUsers: top.map((r) => ({
			id: r.id,
			displayName: r.displayName,
			email: r.email,
			usedBytes: Number(r.used),
			trackCount: Number(r.n)
		}))
	};
}
