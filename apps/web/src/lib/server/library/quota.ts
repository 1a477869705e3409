import type { Prisma } from '@chorus/db';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';

/** A user's upload quota: their own (set by an admin), else USER_QUOTA_BYTES. */
export async function quotaBytesFor(
	userId: string,
	db: Prisma.TransactionClient | ReturnType<typeof getDb> = getDb()
): Promise<number> {
	const row = await db.user.findUnique({
		where: { id: userId },
		select: { uploadQuotaBytes: true }
	});
	return row?.uploadQuotaBytes == null ? getEnv().USER_QUOTA_BYTES : Number(row.uploadQuotaBytes);
}
