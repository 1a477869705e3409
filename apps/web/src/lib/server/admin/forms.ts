import { z } from 'zod';
import { MAX_QUOTA_BYTES } from './users.ts';

const MIB = 1024 * 1024;

/** The quota form takes MiB; an empty field means "the default" (USER_QUOTA_BYTES). */
export const quotaForm = z.strictObject({
	quotaMiB: z
		.string()
		.trim()
		.transform((v, ctx) => {
			if (v === '') return null;
			const n = Number(v);
			if (!Number.isFinite(n) || n < 0 || n * MIB > MAX_QUOTA_BYTES) {
				ctx.addIssue({
					code: 'custom',
					message: 'Enter a size in MiB (0 or more), or leave empty'
				});
				return z.NEVER;
			}
			return Math.round(n * MIB);
		})
});

export const noFields = z.strictObject({});
export const takedownForm = z.strictObject({
	trackId: z.uuid('Which track?'),
	reason: z.string().trim().max(500).optional()
});
