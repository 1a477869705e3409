import type { SessionUser } from '@chorus/auth';
import { Prisma, type Db } from '@chorus/db';
import { trackUrls } from '@chorus/protocol';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UNKNOWN_ARTIST } from '../../library/tags.ts';
import { ApiError } from '../api/errors.ts';
import { zodIssues } from '../api/http.ts';
import { audioKey, coverKey, getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { logger } from '../logger.ts';
import { COVER_SIZES } from '../media/covers.ts';

export { UNKNOWN_ARTIST };

type TrackRow = Prisma.TrackGetPayload<object>;

export const VISIBILITIES = ['private', 'unlisted', 'public'] as const;

export const TAG_MAX_CHARS = 300;
export const GENRE_MAX_CHARS = 100;

/**
 * A tag as people type it: NFC, trimmed, runs of whitespace (tabs, pasted newlines) as one
 * space. Other control characters are refused: they are invisible in lists and break exports.
 */
const tagText = (label: string, max: number) =>
	z
		.string()
		.overwrite((s) => s.normalize('NFC').replace(/\s+/gu, ' ').trim())
		.refine((s) => !/\p{Cc}/u.test(s), `${label} must not contain control characters`)
		.max(max, `${label} must be at most ${max} characters`);

const requiredText = (label: string, max: number) =>
	tagText(label, max).min(1, `${label} is required`).optional();

/** Optional tags: an empty string clears them (null). */
const optionalText = (label: string, max: number) =>
	tagText(label, max)
		.transform((s) => (s === '' ? null : s))
		.nullable()
		.optional();

const tagNumber = (label: string) =>
	z
		.number(`${label} must be a number`)
		.int(`${label} must be a whole number`)
		.min(0, `${label} must be between 0 and 9999`)
		.max(9999, `${label} must be between 0 and 9999`)
		.nullable()
		.optional();

export const trackPatchInput = z
	.strictObject({
		title: requiredText('Title', TAG_MAX_CHARS),
		artist: requiredText('Artist', TAG_MAX_CHARS),
		album: optionalText('Album', TAG_MAX_CHARS),
		albumArtist: optionalText('Album artist', TAG_MAX_CHARS),
		genre: optionalText('Genre', GENRE_MAX_CHARS),
		trackNo: tagNumber('Track number'),
		year: tagNumber('Year'),
		visibility: z.enum(VISIBILITIES).optional()
	})
	.refine((o) => Object.keys(o).length > 0, 'Send at least one field to change');
export type TrackPatch = z.output<typeof trackPatchInput>;

/**
 * Checks an edit (JSON body or form): 422 with every issue for well-formed input whose values
 * are not acceptable. The API route and the track page's form both come through here.
 */
export function parseTrackPatch(body: unknown): TrackPatch {
	const parsed = trackPatchInput.safeParse(body);
	if (parsed.success) return parsed.data;
	const first = parsed.error.issues[0];
	throw new ApiError(
		422,
		'VALIDATION',
		first?.message ?? 'Invalid input',
		{},
		zodIssues(parsed.error)
	);
}

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

/** The track as JSON for this user, if they may see it; 404 otherwise. */
export async function getTrack(id: string, user: SessionUser): Promise<TrackJson> {
	return trackJsonFor(await findVisibleTrack(id, user), user.id);
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

/** Edits tags or visibility (uploader only); albumId follows, search indexes are expressions. */
export async function updateTrack(id: string, user: SessionUser, input: TrackPatch) {
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
