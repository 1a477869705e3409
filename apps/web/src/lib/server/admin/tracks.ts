import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { audioKey, getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { deleteCoverIfUnused } from '../library/tracks.ts';
import { logger } from '../logger.ts';
import { dropTrackFromRooms } from '../rooms/rooms.ts';
import { recordAudit } from './audit.ts';
import type { Actor } from './roles.ts';

export const TRACKS_PAGE_SIZE = 25;

export const tracksQuery = z.strictObject({
	q: z.string().trim().max(200).optional(),
	ownerId: z.uuid().optional(),
	page: z.coerce.number().int().min(1).max(100_000).default(1)
});

export const adminTrackSchema = z.object({
	id: z.uuid(),
	title: z.string(),
	artist: z.string(),
	album: z.string().nullable(),
	visibility: z.string(),
	sizeBytes: z.number(),
	createdAt: z.string(),
	owner: z.object({ id: z.uuid(), displayName: z.string(), email: z.string().nullable() })
});
export type AdminTrack = z.infer<typeof adminTrackSchema>;

export const tracksPageSchema = z.object({
	tracks: z.array(adminTrackSchema),
	page: z.number(),
	pageSize: z.number(),
	total: z.number()
});
export type TracksPage = z.infer<typeof tracksPageSchema>;

export const takedownInput = z.strictObject({
	/** Shown in the audit log. */
	reason: z.string().trim().max(500).optional()
});

export const takedownResultSchema = z.object({
	trackId: z.uuid(),
	rooms: z.number(),
	playlistItems: z.number(),
	likes: z.number(),
	blobDeleted: z.boolean()
});
export type TakedownResult = z.infer<typeof takedownResultSchema>;

/** Every track of every user, whatever its visibility (admins look for what to take down). */
export async function listTracks(q: z.output<typeof tracksQuery>): Promise<TracksPage> {
	const db = getDb();
	const where = {
		...(q.ownerId ? { ownerId: q.ownerId } : {}),
		...(q.q
			? {
					OR: [
						{ title: { contains: q.q, mode: 'insensitive' as const } },
						{ artist: { contains: q.q, mode: 'insensitive' as const } },
						{ album: { contains: q.q, mode: 'insensitive' as const } }
					]
				}
			: {})
	};
	const [rows, total] = await Promise.all([
		db.track.findMany({
			where,
			orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
			skip: (q.page - 1) * TRACKS_PAGE_SIZE,
			take: TRACKS_PAGE_SIZE,
			select: {
				id: true,
				title: true,
				artist: true,
				album: true,
				visibility: true,
				sizeBytes: true,
				createdAt: true,
				owner: { select: { id: true, displayName: true, email: true } }
			}
		}),
		db.track.count({ where })
	]);
	return {
		tracks: rows.map((t) => ({
			...t,
			sizeBytes: Number(t.sizeBytes),
			createdAt: t.createdAt.toISOString()
		})),
		page: q.page,
		pageSize: TRACKS_PAGE_SIZE,
		total
	};
}

/**
 * Removes a track for everyone: from the library, every playlist, every like and every room
 * queue (rooms.ts bumps and notifies the rooms, so live clients resync), in one transaction with
 * its audit entry. The audio blob goes when no other track shares it, and so does the cover.
 */
export async function takedownTrack(
	actor: Actor,
	id: string,
	input: z.output<typeof takedownInput>
): Promise<TakedownResult> {
	const notFound = new ApiError(404, 'NOT_FOUND', 'No such track');
	if (!z.uuid().safeParse(id).success) throw notFound;
	const db = getDb();
	const result = await db.$transaction(
		async (tx) => {
			const track = await tx.track.findUnique({
				where: { id },
				include: { owner: { select: { displayName: true, email: true } } }
			});
			if (!track) throw notFound;
			// Uploads take the same row lock before referencing a blob (as deleteTrack does).
			await tx.$queryRaw`SELECT sha256 FROM blobs WHERE sha256 = ${track.blobSha256} FOR UPDATE`;
			const [playlistItems, likes] = await Promise.all([
				tx.playlistItem.count({ where: { trackId: id } }),
				tx.trackLike.count({ where: { trackId: id } })
			]);
			const rooms = await dropTrackFromRooms(tx, id);
			// Likes, plays and playlist items go with the row (ON DELETE CASCADE).
			await tx.track.delete({ where: { id } });
			const blobDeleted = (await tx.track.count({ where: { blobSha256: track.blobSha256 } })) === 0;
			const out = { trackId: id, rooms: rooms.length, playlistItems, likes, blobDeleted };
			await recordAudit(tx, actor, {
				action: 'track.takedown',
				targetType: 'track',
				targetId: id,
				targetLabel: `${track.title} — ${track.artist}`,
				details: {
					...out,
					reason: input.reason ?? null,
					ownerId: track.ownerId,
					owner: track.owner.email ?? track.owner.displayName,
					sha256: track.blobSha256
				}
			});
			if (blobDeleted) {
				// Last, still holding the blob's row lock (as deleteTrack does): an upload of the same
				// bytes waiting on it then finds neither row nor object, and stores both again.
				await getStore().delete(audioKey(track.blobSha256));
				await tx.blob.delete({ where: { sha256: track.blobSha256 } });
			}
			return { out, cover: track.coverSha256 };
		},
		{ timeout: 60_000 }
	);
	const log = logger('admin');
	if (result.cover) await deleteCoverIfUnused(db, result.cover);
	log.info({ actorId: actor.id, trackId: id, rooms: result.out.rooms }, 'track taken down');
	return result.out;
}
