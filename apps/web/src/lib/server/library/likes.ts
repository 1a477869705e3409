import type { SessionUser } from '@chorus/auth';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { cursorParam, encodeCursor, limitParam, type TrackPage } from './paging.ts';
import { findVisibleTrack, tracksJsonFor } from './tracks.ts';

export const likeStateSchema = z.object({ liked: z.boolean(), likeCount: z.number() });
export type LikeState = z.infer<typeof likeStateSchema>;

/**
 * Tracks a user may keep in their own collections (liked songs, playlists): anything not private,
 * and their own. Unlisted tracks stay because the user reached them through their link.
 */
export const viewableBy = (userId: string) => ({
	OR: [{ visibility: { not: 'private' as const } }, { ownerId: userId }]
});

const noTrack = () => new ApiError(404, 'NOT_FOUND', 'No such track');

/** The row change and the counter change happen in one statement, so they commit together. */
async function setLike(trackId: string, userId: string, like: boolean): Promise<number> {
	const db = getDb();
	let rows: { like_count: number }[];
	try {
		rows = like
			? await db.$queryRaw`
				WITH changed AS (
					INSERT INTO track_likes (user_id, track_id)
					SELECT ${userId}::uuid, id FROM tracks WHERE id = ${trackId}::uuid
					ON CONFLICT DO NOTHING
					RETURNING track_id
				), bumped AS (
					UPDATE tracks SET like_count = like_count + 1
					WHERE id IN (SELECT track_id FROM changed)
					RETURNING like_count
				)
				SELECT like_count FROM bumped
				UNION ALL
				SELECT like_count FROM tracks
				WHERE id = ${trackId}::uuid AND NOT EXISTS (SELECT 1 FROM changed)`
			: await db.$queryRaw`
				WITH changed AS (
					DELETE FROM track_likes WHERE user_id = ${userId}::uuid AND track_id = ${trackId}::uuid
					RETURNING track_id
				), bumped AS (
					UPDATE tracks SET like_count = like_count - 1
					WHERE id IN (SELECT track_id FROM changed)
					RETURNING like_count
				)
				SELECT like_count FROM bumped
				UNION ALL
				SELECT like_count FROM tracks
				WHERE id = ${trackId}::uuid AND NOT EXISTS (SELECT 1 FROM changed)`;
	} catch (err) {
		// The track was deleted between the visibility check and the insert (foreign key).
		if (!(await db.track.findUnique({ where: { id: trackId }, select: { id: true } })))
			throw noTrack();
		throw err;
	}
	if (rows.length === 0) throw noTrack();
	return rows[0]!.like_count;
}

export async function likeTrack(trackId: string, user: SessionUser): Promise<LikeState> {
	const track = await findVisibleTrack(trackId, user);
	return { liked: true, likeCount: await setLike(track.id, user.id, true) };
}

export async function unlikeTrack(trackId: string, user: SessionUser): Promise<LikeState> {
	const track = await findVisibleTrack(trackId, user);
	return { liked: false, likeCount: await setLike(track.id, user.id, false) };
}

// ---- Liked songs (keyset pagination) -------------------------------------------------------

const cursorPayload = z.strictObject({ at: z.iso.datetime(), id: z.uuid() });
export const pageQuery = z.object({
	cursor: cursorParam(cursorPayload).optional(),
	limit: limitParam.default(30)
});

export async function listLikes(
	user: SessionUser,
	query: z.output<typeof pageQuery>
): Promise<TrackPage> {
	const { cursor, limit } = query;
	const after = cursor
		? {
				OR: [
					{ createdAt: { lt: new Date(cursor.at) } },
					{ createdAt: new Date(cursor.at), trackId: { lt: cursor.id } }
				]
			}
		: {};
	const likes = await getDb().trackLike.findMany({
		where: { userId: user.id, track: viewableBy(user.id), ...after },
		orderBy: [{ createdAt: 'desc' }, { trackId: 'desc' }],
		take: limit + 1,
		include: { track: true }
	});
	const page = likes.slice(0, limit);
	const last = page.at(-1);
	return {
		tracks: await tracksJsonFor(
			page.map((l) => l.track),
			user.id
		),
		nextCursor:
			likes.length > limit && last
				? encodeCursor({ at: last.createdAt.toISOString(), id: last.trackId })
				: null
	};
}
