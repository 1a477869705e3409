// Browsing the library by genre, artist and album. Albums are not a table: an album is the
// visible tracks sharing an album_id (see albumIdFor() in tracks.ts).
import { Prisma } from '@chorus/db';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { coverUrlFor, visibleSql } from './search.ts';
import { trackJsonSchema, tracksJsonFor, visibleTo } from './tracks.ts';

/** An artist page lists at most this many tracks (most played first); trackCount counts all. */
export const ARTIST_TRACK_LIMIT = 500;

export const genresResponseSchema = z.object({
	genres: z.array(z.object({ name: z.string(), trackCount: z.number() }))
});
export type GenresResponse = z.infer<typeof genresResponseSchema>;
export type Genre = GenresResponse['genres'][number];

/**
 * Genres of visible tracks, grouped case- and accent-insensitively (named by the most used
 * spelling), most tracks first. Counting by the raw value first (in a materialized CTE, so the
 * planner cannot push chorus_fold() back down to every row) folds each distinct spelling once; it
 * is still a scan of all visible tracks (see bench/search/README.md).
 */
export const genresStatement = (userId: string) => Prisma.sql`
	WITH g AS MATERIALIZED (
		SELECT t.genre, count(*) AS n FROM tracks t
		WHERE ${visibleSql(userId)} AND t.genre IS NOT NULL
		GROUP BY t.genre
	)
	SELECT (array_agg(g.genre ORDER BY g.n DESC, g.genre))[1] AS name, sum(g.n)::int AS track_count
	FROM g
	WHERE chorus_fold(g.genre) <> ''
	GROUP BY chorus_fold(g.genre)
	ORDER BY track_count DESC, name`;

export async function listGenres(userId: string): Promise<GenresResponse> {
	const rows = await getDb().$queryRaw<{ name: string; track_count: number }[]>(
		genresStatement(userId)
	);
	return { genres: rows.map((r) => ({ name: r.name, trackCount: r.track_count })) };
}

const albumSummarySchema = z.object({
	id: z.string(),
	title: z.string(),
	year: z.number().nullable(),
	coverUrl: z.string(),
	trackCount: z.number()
});
export type AlbumSummary = z.infer<typeof albumSummarySchema>;

export const artistResponseSchema = z.object({
	artist: z.object({ name: z.string(), trackCount: z.number() }),
	albums: z.array(albumSummarySchema),
	tracks: z.array(trackJsonSchema)
});
export type ArtistResponse = z.infer<typeof artistResponseSchema>;

const noArtist = () => new ApiError(404, 'NOT_FOUND', 'No such artist');

/** Fetches full rows for ids and keeps the ids' order. */
async function rowsInOrder(ids: string[]) {
	const rows = await getDb().track.findMany({ where: { id: { in: ids } } });
	const byId = new Map(rows.map((r) => [r.id, r]));
	return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function getArtist(rawName: string, userId: string): Promise<ArtistResponse> {
	const name = rawName.trim();
	if (!name || name.length > 300) throw noArtist();
	const db = getDb();
	const visible = visibleSql(userId);
	// chorus_fold(t.artist) is the expression of tracks_artist_sql_idx.
	const byArtist = Prisma.sql`chorus_fold(t.artist) = chorus_fold(${name}) AND ${visible}`;
	const [head] = await db.$queryRaw<{ name: string | null; track_count: number }[]>`
		SELECT mode() WITHIN GROUP (ORDER BY t.artist) AS name, count(*)::int AS track_count
		FROM tracks t WHERE ${byArtist}`;
	if (!head?.name || head.track_count === 0) throw noArtist();

	const [top, albums] = await Promise.all([
		db.$queryRaw<{ id: string }[]>`
			SELECT t.id FROM tracks t WHERE ${byArtist}
			ORDER BY t.play_count DESC, t.like_count DESC, t.title, t.id
			LIMIT ${ARTIST_TRACK_LIMIT}`,
		// Every album the artist has a visible track on, counted and covered over all its tracks.
		db.$queryRaw<
			{
				id: string;
				title: string;
				year: number | null;
				track_count: number;
				cover_track_id: string;
				cover_sha256: string | null;
			}[]
		>`
			SELECT a.album_id AS id, x.title, x.year, x.track_count,
				c.id AS cover_track_id, c.cover_sha256
			FROM (SELECT DISTINCT t.album_id FROM tracks t WHERE ${byArtist} AND t.album_id IS NOT NULL) a
			CROSS JOIN LATERAL (
				SELECT mode() WITHIN GROUP (ORDER BY t.album) AS title, max(t.year) AS year,
					count(*)::int AS track_count
				FROM tracks t WHERE t.album_id = a.album_id AND ${visible}
			) x
			CROSS JOIN LATERAL (
				SELECT t.id, t.cover_sha256 FROM tracks t
				WHERE t.album_id = a.album_id AND ${visible}
				ORDER BY t.cover_sha256 IS NULL, t.track_no NULLS LAST, t.title, t.id LIMIT 1
			) c
			ORDER BY x.year DESC NULLS LAST, x.title, a.album_id`
	]);
	return {
		artist: { name: head.name, trackCount: head.track_count },
		albums: albums.map((a) => ({
			id: a.id,
			title: a.title,
			year: a.year,
			coverUrl: coverUrlFor(a.cover_track_id, a.cover_sha256),
			trackCount: a.track_count
		})),
		tracks: await tracksJsonFor(await rowsInOrder(top.map((t) => t.id)), userId)
	};
}

export const albumResponseSchema = z.object({
	album: z.object({
		id: z.string(),
		title: z.string(),
		artist: z.string(),
		year: z.number().nullable(),
		coverUrl: z.string(),
		trackCount: z.number(),
		durationMs: z.number()
	}),
	tracks: z.array(trackJsonSchema)
});
export type AlbumResponse = z.infer<typeof albumResponseSchema>;
export type AlbumDetail = AlbumResponse['album'];

/** The most frequent value (first seen wins a tie), or null when there is none. */
function mostCommon<T>(values: (T | null)[]): T | null {
	const counts = new Map<T, number>();
	let best: T | null = null;
	let bestCount = 0;
	for (const v of values) {
		if (v === null) continue;
		const n = (counts.get(v) ?? 0) + 1;
		counts.set(v, n);
		if (n > bestCount) [best, bestCount] = [v, n];
	}
	return best;
}

const noAlbum = () => new ApiError(404, 'NOT_FOUND', 'No such album');

export async function getAlbum(id: string, userId: string): Promise<AlbumResponse> {
	// Album ids are albumIdFor()'s 20 hex digits; anything else cannot exist.
	if (!/^[0-9a-f]{20}$/.test(id)) throw noAlbum();
	const rows = await getDb().track.findMany({
		where: { albumId: id, ...visibleTo(userId) },
		orderBy: [{ trackNo: { sort: 'asc', nulls: 'last' } }, { title: 'asc' }, { id: 'asc' }]
	});
	if (rows.length === 0) throw noAlbum();
	const cover = rows.find((r) => r.coverSha256) ?? rows[0]!;
	return {
		album: {
			id,
			title: mostCommon(rows.map((r) => r.album)) ?? '',
			artist: mostCommon(rows.map((r) => r.albumArtist ?? r.artist)) ?? '',
			year: mostCommon(rows.map((r) => r.year)),
			coverUrl: coverUrlFor(cover.id, cover.coverSha256),
			trackCount: rows.length,
			durationMs: rows.reduce((sum, r) => sum + r.durationMs, 0)
		},
		tracks: await tracksJsonFor(rows, userId)
	};
}
