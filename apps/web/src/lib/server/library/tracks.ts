import type { SessionUser } from '@chorus/auth';
import { Prisma, type Db } from '@chorus/db';
import { trackUrls } from '@chorus/protocol';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { audioKey, coverKey, getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { logger } from '../logger.ts';
import { COVER_SIZES } from '../media/covers.ts';

type TrackRow = Prisma.TrackGetPayload<object>;

export const VISIBILITIES = ['private', 'unlisted', 'public'] as const;

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.transform((s) => (s === '' ? null : s))
		.nullable()
		.optional();

export const trackPatchInput = z
	.strictObject({
		title: z.string().trim().min(1, 'Title is required').max(300).optional(),
		artist: z.string().trim().min(1, 'Artist is required').max(300).optional(),
		album: optionalText(300),
		albumArtist: optionalText(300),
		genre: optionalText(100),
		trackNo: z.number().int().min(0).max(9999).nullable().optional(),
		year: z.number().int().min(0).max(9999).nullable().optional(),
		visibility: z.enum(VISIBILITIES).optional()
	})
	.refine((o) => Object.keys(o).length > 0, 'Send at least one field to change');

export const trackJsonSchema = z.object({
	id: z.uuid(),
	ownerId: z.uuid(),
	title: z.string(),
	artist: z.string(),
	album: z.string().nullable(),
	albumArtist: z.string().nullable(),
	trackNo: z.number().nullable(),
	year: z.number().nullable(),
	genre: z.string().nullable(),
	durationMs: z.number(),
	container: z.string(),
	codec: z.string(),
	mimeType: z.string(),
	bitrate: z.number().nullable(),
	sampleRate: z.number().nullable(),
	channels: z.number().nullable(),
	sizeBytes: z.number(),
	sha256: z.string(),
	coverUrl: z.string(),
	waveformUrl: z.string(),
	streamUrl: z.string(),
	visibility: z.enum(VISIBILITIES),
	processingStatus: z.enum(['pending', 'ready', 'failed']),
	createdAt: z.string(),
	albumId: z.string().nullable(),
	likeCount: z.number(),
	playCount: z.number(),
	likedByMe: z.boolean()
});
export type TrackJson = z.infer<typeof trackJsonSchema>;

/** Albums are not a table: an album is the tracks sharing (album artist or artist, album title). */
export function albumIdFor(t: {
	album: string | null;
	albumArtist: string | null;
	artist: string;
}): string | null {
	if (!t.album) return null;
	const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
	return createHash('sha256')
		.update(`${fold(t.albumArtist ?? t.artist)}\u0000${fold(t.album)}`)
		.digest('hex')
		.slice(0, 20);
}

export function toTrackJson(t: TrackRow, likedByMe = false): TrackJson {
	return {
		id: t.id,
		ownerId: t.ownerId,
		title: t.title,
		artist: t.artist,
		album: t.album,
		albumArtist: t.albumArtist,
		trackNo: t.trackNo,
		year: t.year,
		genre: t.genre,
		durationMs: t.durationMs,
		container: t.container,
		codec: t.codec,
		mimeType: t.mimeType,
		bitrate: t.bitrate,
		sampleRate: t.sampleRate,
		channels: t.channels,
		sizeBytes: Number(t.sizeBytes),
		sha256: t.blobSha256,
		...trackUrls(t.id, t.coverSha256),
		visibility: t.visibility,
		processingStatus: t.processingStatus,
		createdAt: t.createdAt.toISOString(),
		albumId: t.albumId,
		likeCount: t.likeCount,
		playCount: t.playCount,
		likedByMe
	};
}

/** Serialises tracks for `userId`, with likedByMe filled in by one query. */
export async function tracksJsonFor(rows: TrackRow[], userId: string): Promise<TrackJson[]> {
	if (rows.length === 0) return [];
	const liked = await getDb().trackLike.findMany({
		where: { userId, trackId: { in: rows.map((r) => r.id) } },
		select: { trackId: true }
	});
	const set = new Set(liked.map((l) => l.trackId));
	return rows.map((r) => toTrackJson(r, set.has(r.id)));
}

export async function trackJsonFor(row: TrackRow, userId: string): Promise<TrackJson> {
	return (await tracksJsonFor([row], userId))[0]!;
}

/** Tracks a user may find by browsing or searching: public ones and their own. */
export const visibleTo = (userId: string) => ({
	OR: [{ visibility: 'public' as const }, { ownerId: userId }]
});

/**
 * Extra ways to be allowed to see a track (the rooms feature registers "member of a room whose
 * queue has it"). Kept as a hook so the library does not depend on rooms.
 */
type AccessRule = (userId: string, trackId: string) => Promise<boolean>;
const accessRules: AccessRule[] = [];
export function registerTrackAccessRule(rule: AccessRule): void {
	accessRules.push(rule);
}

type Access = Pick<TrackRow, 'id' | 'ownerId' | 'visibility'>;

async function canView(track: Access, user: SessionUser): Promise<boolean> {
	if (track.ownerId === user.id || track.visibility !== 'private') return true;
	for (const rule of accessRules) if (await rule(user.id, track.id)) return true;
	return false;
}

const notFound = () => new ApiError(404, 'NOT_FOUND', 'No such track');

/** Loads a track and checks access: 404 alike for missing, malformed and not-yours ids. */
async function visibleOr404<T extends Access>(
	id: string,
	user: SessionUser,
	load: (id: string) => Promise<T | null>
): Promise<T> {
	if (!z.uuid().safeParse(id).success) throw notFound();
	const track = await load(id);
	if (!track || !(await canView(track, user))) throw notFound();
	return track;
}

/** The track if this user may see it; 404 otherwise (no difference between missing and private). */
export function findVisibleTrack(id: string, user: SessionUser): Promise<TrackRow> {
	return visibleOr404(id, user, (id) => getDb().track.findUnique({ where: { id } }));
}

const STREAM_COLUMNS = {
	id: true,
	ownerId: true,
	visibility: true,
	blobSha256: true,
	sizeBytes: true,
	mimeType: true
} as const;

/** What streaming needs, without the heavy columns (the waveform JSON): the hot path. */
export function findStreamableTrack(id: string, user: SessionUser) {
	return visibleOr404(id, user, (id) =>
		getDb().track.findUnique({ where: { id }, select: STREAM_COLUMNS })
	);
}

async function findOwnTrack(id: string, user: SessionUser): Promise<TrackRow> {
	const track = await findVisibleTrack(id, user);
	if (track.ownerId !== user.id)
		throw new ApiError(403, 'FORBIDDEN', 'Only the uploader can change this track');
	return track;
}

export async function listMyTracks(user: SessionUser) {
	const rows = await getDb().track.findMany({
		where: { ownerId: user.id },
		orderBy: { createdAt: 'desc' }
	});
	return tracksJsonFor(rows, user.id);
}

export async function updateTrack(
	id: string,
	user: SessionUser,
	input: z.output<typeof trackPatchInput>
) {
	const current = await findOwnTrack(id, user);
	const next = { ...current, ...input };
	const row = await getDb().track.update({
		where: { id },
		data: { ...input, albumId: albumIdFor(next) }
	});
	return trackJsonFor(row, user.id);
}

/** Deletes a track; its audio blob and cover go too once no other track references them. */
export async function deleteTrack(id: string, user: SessionUser): Promise<void> {
	const track = await findOwnTrack(id, user);
	const store = getStore();
	await getDb().$transaction(async (tx) => {
		// Uploads take the same row lock before referencing a blob, so this cannot race them.
		await tx.$queryRaw`SELECT sha256 FROM blobs WHERE sha256 = ${track.blobSha256} FOR UPDATE`;
		await tx.track.delete({ where: { id } });
		const others = await tx.track.count({ where: { blobSha256: track.blobSha256 } });
		if (others === 0) {
			await store.delete(audioKey(track.blobSha256));
			await tx.blob.delete({ where: { sha256: track.blobSha256 } });
		}
	});
	if (track.coverSha256) await deleteCoverIfUnused(getDb(), track.coverSha256);
}

export async function deleteCoverIfUnused(db: Db, sha256: string): Promise<void> {
	if ((await db.track.count({ where: { coverSha256: sha256 } })) > 0) return;
	const store = getStore();
	await Promise.all(
		Object.keys(COVER_SIZES).map((size) =>
			store
				.delete(coverKey(sha256, size))
				.catch((err) => logger('library').warn({ err }, 'cover delete failed'))
		)
	);
}
