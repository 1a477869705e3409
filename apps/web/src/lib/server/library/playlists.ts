import type { SessionUser } from '@chorus/auth';
import { Prisma } from '@chorus/db';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { viewableBy } from './likes.ts';
import {
	findVisibleTrack,
	toTrackJson,
	trackJsonSchema,
	tracksJsonFor,
	type TrackJson
} from './tracks.ts';

type TrackRow = Prisma.TrackGetPayload<object>;
type Tx = Prisma.TransactionClient;

export const playlistNameInput = z.strictObject({
	name: z
		.string({ error: 'name must be a string' })
		.trim()
		.min(1, 'Name is required')
		.max(100, 'Name must be at most 100 characters')
});
export const playlistItemInput = z.strictObject({
	trackId: z.uuid({ error: 'trackId must be a track id' })
});
export const playlistOrderInput = z.strictObject({
	itemIds: z.array(z.string()).max(10_000)
});

export const playlistJsonSchema = z.object({
	id: z.uuid(),
	name: z.string(),
	trackCount: z.number(),
	durationMs: z.number(),
	coverUrl: z.string().nullable(),
	createdAt: z.string(),
	updatedAt: z.string()
});
export const playlistItemJsonSchema = z.object({
	id: z.uuid(),
	position: z.number(),
	addedAt: z.string(),
	track: trackJsonSchema
});
export type PlaylistJson = z.infer<typeof playlistJsonSchema>;
export type PlaylistItemJson = z.infer<typeof playlistItemJsonSchema>;

const notFound = () => new ApiError(404, 'NOT_FOUND', 'No such playlist');
const isUuid = (s: string) => z.uuid().safeParse(s).success;

interface Summary {
	id: string;
	name: string;
	created_at: Date;
	updated_at: Date;
	track_count: number;
	duration_ms: number;
	cover_track_id: string | null;
}

/**
 * Counts, duration and cover cover the items the owner may still see: a track made private by
 * its uploader drops out of other people's playlists (it stays stored, and reappears if public).
 */
async function summaries(db: Tx | ReturnType<typeof getDb>, ownerId: string, id?: string) {
	const viewable = Prisma.sql`(t.visibility <> 'private' OR t.owner_id = ${ownerId}::uuid)`;
	const rows = await db.$queryRaw<Summary[]>`
		SELECT p.id, p.name, p.created_at, p.updated_at,
			coalesce(s.track_count, 0)::int AS track_count,
			coalesce(s.duration_ms, 0)::float8 AS duration_ms,
			f.track_id AS cover_track_id
		FROM playlists p
		LEFT JOIN LATERAL (
			SELECT count(*) AS track_count, sum(t.duration_ms) AS duration_ms
			FROM playlist_items i JOIN tracks t ON t.id = i.track_id
			WHERE i.playlist_id = p.id AND ${viewable}
		) s ON true
		LEFT JOIN LATERAL (
			SELECT i.track_id FROM playlist_items i JOIN tracks t ON t.id = i.track_id
			WHERE i.playlist_id = p.id AND ${viewable}
			ORDER BY i.position, i.id LIMIT 1
		) f ON true
		WHERE p.owner_id = ${ownerId}::uuid ${id ? Prisma.sql`AND p.id = ${id}::uuid` : Prisma.empty}
		ORDER BY p.updated_at DESC, p.id`;
	const coverIds = rows.flatMap((r) => (r.cover_track_id ? [r.cover_track_id] : []));
	const covers = new Map(
		coverIds.length
			? (await db.track.findMany({ where: { id: { in: coverIds } } })).map((t) => [
					t.id,
					toTrackJson(t).coverUrl
				])
			: []
	);
	return rows.map((r): PlaylistJson => ({
		id: r.id,
		name: r.name,
		trackCount: r.track_count,
		durationMs: r.duration_ms,
		coverUrl: (r.cover_track_id && covers.get(r.cover_track_id)) || null,
		createdAt: r.created_at.toISOString(),
		updatedAt: r.updated_at.toISOString()
	}));
}

async function summary(db: Tx | ReturnType<typeof getDb>, ownerId: string, id: string) {
	const [playlist] = await summaries(db, ownerId, id);
	if (!playlist) throw notFound();
	return playlist;
}

/** Locks the caller's playlist for a change of its items; 404 when it is not theirs. */
async function lockOwn(tx: Tx, id: string, user: SessionUser): Promise<void> {
	if (!isUuid(id)) throw notFound();
	const rows = await tx.$queryRaw<unknown[]>`
		SELECT 1 FROM playlists WHERE id = ${id}::uuid AND owner_id = ${user.id}::uuid FOR UPDATE`;
	if (rows.length === 0) throw notFound();
}

const touch = (tx: Tx, id: string) =>
	tx.$executeRaw`UPDATE playlists SET updated_at = now() WHERE id = ${id}::uuid`;

async function visibleItems(db: Tx | ReturnType<typeof getDb>, playlistId: string, userId: string) {
	return db.playlistItem.findMany({
		where: { playlistId, track: viewableBy(userId) },
		orderBy: [{ position: 'asc' }, { id: 'asc' }],
		include: { track: true }
	});
}

async function itemsJson(
	items: { id: string; position: number; addedAt: Date; track: TrackRow }[],
	userId: string
): Promise<PlaylistItemJson[]> {
	const tracks = await tracksJsonFor(
		items.map((i) => i.track),
		userId
	);
	return items.map((i, n) => ({
		id: i.id,
		position: i.position,
		addedAt: i.addedAt.toISOString(),
		track: tracks[n] as TrackJson
	}));
}

export async function listPlaylists(user: SessionUser): Promise<PlaylistJson[]> {
	return summaries(getDb(), user.id);
}

export async function createPlaylist(user: SessionUser, name: string): Promise<PlaylistJson> {
	const row = await getDb().playlist.create({ data: { ownerId: user.id, name } });
	return summary(getDb(), user.id, row.id);
}

export async function getPlaylist(id: string, user: SessionUser) {
	if (!isUuid(id)) throw notFound();
	const db = getDb();
	const playlist = await summary(db, user.id, id);
	return { playlist, items: await itemsJson(await visibleItems(db, id, user.id), user.id) };
}

export async function renamePlaylist(
	id: string,
	user: SessionUser,
	name: string
): Promise<PlaylistJson> {
	if (!isUuid(id)) throw notFound();
	const { count } = await getDb().playlist.updateMany({
		where: { id, ownerId: user.id },
		data: { name }
	});
	if (count === 0) throw notFound();
	return summary(getDb(), user.id, id);
}

export async function deletePlaylist(id: string, user: SessionUser): Promise<void> {
	if (!isUuid(id)) throw notFound();
	const { count } = await getDb().playlist.deleteMany({ where: { id, ownerId: user.id } });
	if (count === 0) throw notFound();
}

/** Appends a track (duplicates allowed, as in most players). */
export async function addItem(
	playlistId: string,
	trackId: string,
	user: SessionUser
): Promise<PlaylistItemJson> {
	const db = getDb();
	// Check ownership first, so someone else's playlist is a 404 whatever the track.
	if (!isUuid(playlistId)) throw notFound();
	const own = await db.playlist.count({ where: { id: playlistId, ownerId: user.id } });
	if (own === 0) throw notFound();
	const track = await findVisibleTrack(trackId, user);
	try {
		const item = await db.$transaction(async (tx) => {
			await lockOwn(tx, playlistId, user);
			const max = await tx.playlistItem.aggregate({
				where: { playlistId },
				_max: { position: true }
			});
			const created = await tx.playlistItem.create({
				data: { playlistId, trackId: track.id, position: (max._max.position ?? -1) + 1 }
			});
			await touch(tx, playlistId);
			return created;
		});
		return (await itemsJson([{ ...item, track }], user.id))[0]!;
	} catch (err) {
		// The track was deleted meanwhile (foreign key): same answer as before the race.
		await findVisibleTrack(trackId, user);
		throw err;
	}
}

export async function removeItem(
	playlistId: string,
	itemId: string,
	user: SessionUser
): Promise<void> {
	await getDb().$transaction(async (tx) => {
		await lockOwn(tx, playlistId, user);
		const { count } = isUuid(itemId)
			? await tx.playlistItem.deleteMany({ where: { id: itemId, playlistId } })
			: { count: 0 };
		if (count === 0) throw new ApiError(404, 'NOT_FOUND', 'No such item in this playlist');
		// The others keep their positions: gaps do not change the order.
		await touch(tx, playlistId);
	});
}

/**
 * Rewrites positions in the given order. `itemIds` must be exactly the items the owner sees;
 * items hidden from them (tracks made private) keep their relative order after those.
 */
export async function reorderItems(
	playlistId: string,
	itemIds: string[],
	user: SessionUser
): Promise<PlaylistItemJson[]> {
	const db = getDb();
	await db.$transaction(async (tx) => {
		await lockOwn(tx, playlistId, user);
		const visible = await visibleItems(tx, playlistId, user.id);
		const current = new Set(visible.map((i) => i.id));
		const given = new Set(itemIds);
		if (
			given.size !== itemIds.length ||
			given.size !== current.size ||
			!itemIds.every((id) => current.has(id))
		) {
			throw new ApiError(
				409,
				'CONFLICT',
				'itemIds must list every item of the playlist exactly once (it may have changed; reload it)'
			);
		}
		const hidden = await tx.playlistItem.findMany({
			where: { playlistId, id: { notIn: itemIds } },
			orderBy: [{ position: 'asc' }, { id: 'asc' }],
			select: { id: true }
		});
		const order = [...itemIds, ...hidden.map((h) => h.id)];
		await tx.$executeRaw`
			UPDATE playlist_items i SET position = o.pos - 1
			FROM unnest(${order}::uuid[]) WITH ORDINALITY AS o(id, pos)
			WHERE i.id = o.id AND i.playlist_id = ${playlistId}::uuid`;
		await touch(tx, playlistId);
	});
	return itemsJson(await visibleItems(db, playlistId, user.id), user.id);
}
