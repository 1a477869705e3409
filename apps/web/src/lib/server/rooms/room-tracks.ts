import type { SessionUser } from '@chorus/auth';
import { z } from 'zod';
import { getDb } from '../db.ts';
import { searchQuery } from '../library/search.ts';
import { trackJsonSchema, tracksJsonFor, type TrackJson } from '../library/tracks.ts';
import { findMembership } from './rooms.ts';

export const ROOM_TRACKS_MAX_LIMIT = 50;

export const roomTracksQuery = z.object({
	// The same text rules as the library search.
	q: searchQuery.shape.q,
	limit: z.coerce.number().int().min(1).max(ROOM_TRACKS_MAX_LIMIT).default(20)
});

export const roomTracksSchema = z.object({ tracks: z.array(trackJsonSchema) });

/**
 * The tracks this room already surfaced (queued now or earlier, played or not) that the member
 * could queue again, newest uploads first, filtered by title, artist or album. This is what a guest may
 * add when the host does not let guests search the library.
 */
export async function listRoomTracks(
	roomId: string,
	user: SessionUser,
	{ q, limit }: z.output<typeof roomTracksQuery>
): Promise<{ tracks: TrackJson[] }> {
	await findMembership(roomId, user.id);
	const contains = (field: 'title' | 'artist' | 'album') => ({
		[field]: { contains: q, mode: 'insensitive' as const }
	});
	const rows = await getDb().track.findMany({
		where: {
			queueItems: { some: { roomId } },
			// As queue:add decides: a private track only for its owner, failed uploads never.
			OR: [{ visibility: { not: 'private' } }, { ownerId: user.id }],
			processingStatus: { not: 'failed' },
			...(q && { AND: [{ OR: [contains('title'), contains('artist'), contains('album')] }] })
		},
		orderBy: { createdAt: 'desc' },
		take: limit
	});
	return { tracks: await tracksJsonFor(rows, user.id) };
}
