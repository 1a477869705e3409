import { z } from 'zod';
import { trackJsonSchema } from './tracks.ts';

/** Cursors are opaque to clients: base64url of JSON holding the last row's sort key. */
export const encodeCursor = (payload: unknown): string =>
	Buffer.from(JSON.stringify(payload)).toString('base64url');

/** A query parameter decoding a cursor made by encodeCursor; anything else is a 400. */
export function cursorParam<S extends z.ZodType>(payload: S) {
	return z
		.string()
		.regex(/^[\w-]{1,1024}$/, 'Malformed cursor')
		.transform((s, ctx): z.output<S> => {
			try {
				const parsed = payload.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString()));
				if (parsed.success) return parsed.data;
			} catch {
				// reported below
			}
			ctx.addIssue({ code: 'custom', message: 'Malformed cursor' });
			return z.NEVER;
		});
}

/** `limit` query parameter: an integer from 1 to 100. */
export const limitParam = z
	.string()
	.regex(/^\d{1,3}$/, 'limit must be an integer from 1 to 100')
	.transform(Number)
	.pipe(z.number().min(1, 'limit must be at least 1').max(100, 'limit must be at most 100'));

/** One page of tracks (search results, liked songs); nextCursor asks for the next one. */
export const trackPageSchema = z.object({
	tracks: z.array(trackJsonSchema),
	nextCursor: z.string().nullable()
});
export type TrackPage = z.infer<typeof trackPageSchema>;
