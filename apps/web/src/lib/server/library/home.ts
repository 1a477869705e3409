import type { SessionUser } from '@chorus/auth';
import { Prisma } from '@chorus/db';
import { z } from 'zod';
import { getDb } from '../db.ts';
import { trackJsonSchema, tracksJsonFor, visibleTo, type TrackJson } from './tracks.ts';

const SECTION_SIZE = 12;

export const homeSchema = z.object({
	recentlyAdded: z.array(trackJsonSchema),
	mostPlayed: z.array(trackJsonSchema),
	mostLiked: z.array(trackJsonSchema),
	continueListening: z.array(
		z.object({ track: trackJsonSchema, positionMs: z.number(), updatedAt: z.string() })
	)
});
export type HomeJson = z.infer<typeof homeSchema>;

interface RecentPlay {
	track_id: string;
	position_ms: number;
	updated_at: Date;
}

/** Home feed: only tracks the user may browse (public ones and their own). */
export async function homeFeed(user: SessionUser): Promise<HomeJson> {
	const db = getDb();
	const where = visibleTo(user.id);
	const top = (orderBy: Prisma.TrackOrderByWithRelationInput[]) =>
		db.track.findMany({ where, orderBy, take: SECTION_SIZE });
	const [recentlyAdded, mostPlayed, mostLiked, recentPlays] = await Promise.all([
		top([{ createdAt: 'desc' }, { id: 'desc' }]),
		top([{ playCount: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }]),
		top([{ likeCount: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }]),
		// The latest session per track, then the most recent of those.
		db.$queryRaw<RecentPlay[]>`
			SELECT track_id, position_ms, updated_at FROM (
				SELECT DISTINCT ON (p.track_id) p.track_id, p.position_ms, p.updated_at
				FROM plays p JOIN tracks t ON t.id = p.track_id
				WHERE p.user_id = ${user.id}::uuid
					AND (t.visibility = 'public' OR t.owner_id = ${user.id}::uuid)
				ORDER BY p.track_id, p.updated_at DESC, p.id DESC
			) latest
			ORDER BY updated_at DESC, track_id DESC
			LIMIT ${SECTION_SIZE}`
	]);
	const played = await db.track.findMany({
		where: { id: { in: recentPlays.map((p) => p.track_id) }, ...where }
	});

	// One likedByMe lookup for every track on the page.
	const unique = new Map(
		[...recentlyAdded, ...mostPlayed, ...mostLiked, ...played].map((t) => [t.id, t])
	);
	const json = new Map((await tracksJsonFor([...unique.values()], user.id)).map((t) => [t.id, t]));
	const pick = (rows: { id: string }[]) => rows.map((r) => json.get(r.id)!);
	return {
		recentlyAdded: pick(recentlyAdded),
		mostPlayed: pick(mostPlayed),
		mostLiked: pick(mostLiked),
		continueListening: recentPlays.flatMap((p) => {
			const track: TrackJson | undefined = json.get(p.track_id);
			return track
				? [{ track, positionMs: p.position_ms, updatedAt: p.updated_at.toISOString() }]
				: [];
		})
	};
}
