// Library search: PostgreSQL full text over chorus_fold() (lower-case, accent-free), typo
// tolerance through the table of the library's words (search_words, typos.ts), and pg_trgm for
// suggestions. Every match condition repeats an indexed expression of
// prisma/migrations/20261122020000_library.sql verbatim, or the planner cannot use the index;
// scoring uses the inlined body of chorus_fold(), which gives the same text without the per-call
// cost of a SQL function (~1 µs a row each).
import { Prisma } from '@chorus/db';
import { trackUrls } from '@chorus/protocol';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { cursorParam, encodeCursor, limitParam, type TrackPage } from './paging.ts';
import { tracksJsonFor } from './tracks.ts';
import { otherScript } from './translit.ts';
import {
	ONE_TYPO_MIN_CHARS,
	planTypos,
	PREFIX_COST,
	PREFIX_MIN_CHARS,
	TWO_TYPOS_MIN_CHARS,
	type QueryWord,
	type TypoPlan
} from './typos.ts';

export const SEARCH_SORTS = ['relevance', 'newest', 'most_played', 'most_liked'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/**
 * Relevance ranks at most this many word matches (the first ones the index yields) and this many
 * typo matches per query, so a query matching half the library costs no more than a precise one.
 */
export const RANK_CANDIDATES = 300;
export const FUZZY_CANDIDATES = 200;
/** Typo tolerance joins in when words and prefixes match fewer tracks than this. */
export const FUZZY_BELOW = 20;
export const SUGGEST_LIMIT = 5;
/** Suggestions look at this many matching rows per kind (titles; artists and albums group them). */
const SUGGEST_TITLE_CANDIDATES = 100;
const SUGGEST_GROUP_CANDIDATES = 300;

// ---- SQL building blocks (constants only; user input always goes in as a parameter) -----------

const vector = (fold: (col: string) => string) =>
	`(setweight(to_tsvector('simple', ${fold('t.title')}), 'A') || ` +
	`setweight(to_tsvector('simple', ${fold('t.artist')}), 'B') || ` +
	`setweight(to_tsvector('simple', ${fold("coalesce(t.album, '')")}), 'C') || ` +
	`setweight(to_tsvector('simple', ${fold("coalesce(t.genre, '')")}), 'D'))`;
const indexFold = (col: string) => `chorus_fold(${col})`;
const fastFold = (col: string) =>
	`lower(public.unaccent('public.unaccent'::regdictionary, ${col}))`;

/** tracks_fts_sql_idx */
export const FTS_VECTOR = Prisma.raw(vector(indexFold));
const FAST_VECTOR = Prisma.raw(vector(fastFold));
const FAST_TITLE = Prisma.raw(fastFold('t.title'));
/** tracks_title_trgm_sql_idx, tracks_artist_trgm_sql_idx, tracks_album_trgm_sql_idx */
const TITLE_FOLD = Prisma.raw('chorus_fold(t.title)');
const ARTIST_FOLD = Prisma.raw('chorus_fold(t.artist)');
const ALBUM_FOLD = Prisma.raw('chorus_fold(t.album)');
/** tracks_genre_sql_idx */
const GENRE_FOLD = Prisma.raw('chorus_fold(t.genre)');

/** Public tracks and the user's own (the SQL twin of visibleTo() in tracks.ts). */
export const visibleSql = (userId: string) =>
	Prisma.sql`(t.visibility = 'public' OR t.owner_id = ${userId}::uuid)`;

const foldedQuery = (q: string) => Prisma.sql`chorus_fold(${q})`;
/**
 * The query's words (as to_tsvector splits them; they never contain quotes), words of 3 or more
 * letters as prefixes: "midnight ci" -> 'midnight':* & 'ci'. Shorter prefixes would match a large
 * part of any library and are left to suggestions and, for the word being typed, to typo
 * tolerance (typos.ts).
 */
const PREFIX_WORD = Prisma.raw(`'''([^'']{${PREFIX_MIN_CHARS},})''( |$)'`);
const onePrefixTsquery = (q: string) =>
	Prisma.sql`regexp_replace(plainto_tsquery('simple', chorus_fold(${q}))::text, ${PREFIX_WORD}, '''\\1'':*\\2', 'g')::tsquery`;
const oneExactTsquery = (q: string) => Prisma.sql`plainto_tsquery('simple', chorus_fold(${q}))`;
/** The query, or its transliteration ("kino" also finds «Кино», and «Кино» "Kino"). */
const eitherScript = (one: (q: string) => Prisma.Sql) => (q: string) => {
	const alt = otherScript(q);
	return alt ? Prisma.sql`(${one(q)} || ${one(alt)})` : one(q);
};
const prefixTsquery = eitherScript(onePrefixTsquery);
const exactTsquery = eitherScript(oneExactTsquery);

/**
 * pg_trgm's word_similarity threshold for suggestions: short queries are prefixes being typed (a
 * 1-letter query shares 1 of its 2 trigrams with every word starting with it), longer ones may
 * carry typos ("beatels" shares 4 of its 7 trigrams with "beatles"). With several words one typo
 * costs a smaller share of the trigrams, and a higher bar skips rechecking rows that only share
 * one of the words.
 */
export function trigramThreshold(q: string): number {
	const n = [...q.trim()].length;
	if (n <= 1) return 0.5;
	if (n === 2) return 0.6;
	if (n === 3) return 0.7;
	return q.trim().split(/\s+/).length > 1 ? 0.6 : 0.5;
}

const hasWords = (q: string) => /[\p{L}\p{N}]/u.test(q);

// ---- Query validation and cursors -------------------------------------------------------------

// s: sort, k: the last row's sort key, i: its id, m: typo tolerance on or off (decided on the first
// page, so later pages match the same way), h: fingerprint of the search it belongs to.
const cursorBase = { i: z.uuid(), m: z.enum(['exact', 'fuzzy']), h: z.string().max(32) };
const cursorPayload = z.discriminatedUnion('s', [
	z.strictObject({ s: z.literal('relevance'), k: z.number(), ...cursorBase }),
	z.strictObject({ s: z.literal('newest'), k: z.iso.datetime(), ...cursorBase }),
	z.strictObject({
		s: z.enum(['most_played', 'most_liked']),
		k: z
			.number()
			.int()
			.min(0)
			.max(2 ** 31),
		...cursorBase
	})
]);

export const searchQuery = z.object({
	q: z
		.string()
		.max(200, 'q must be at most 200 characters')
		.transform((s) => s.trim())
		.default(''),
	genre: z
		.string()
		.max(100, 'genre must be at most 100 characters')
		.transform((s) => s.trim())
		.optional()
		.transform((s) => s || undefined),
	sort: z
		.enum(SEARCH_SORTS, { error: `sort must be one of ${SEARCH_SORTS.join(', ')}` })
		.optional(),
	cursor: cursorParam(cursorPayload).optional(),
	limit: limitParam.default(30)
});
export type SearchQuery = z.output<typeof searchQuery>;

export const suggestQuery = z.object({
	q: z
		.string({ error: 'q is required' })
		.transform((s) => s.trim())
		.pipe(
			z.string().min(1, 'q must be 1 to 100 characters').max(100, 'q must be 1 to 100 characters')
		)
});

// ---- Search -----------------------------------------------------------------------------------

export interface SearchParams {
	userId: string;
	/** Trimmed; '' browses everything visible. */
	q: string;
	genre?: string;
	sort: SearchSort;
	limit: number;
	/** Typo tolerance: 'auto' decides on the first page and the cursor keeps the decision. */
	mode: 'auto' | 'exact' | 'fuzzy';
	/** The last row of the previous page. */
	after?: { key: number | string; id: string };
}

export interface SearchStatement {
	/** Set with set_config(..., true) in the same transaction before `sql`. */
	threshold: number;
	sql: Prisma.Sql;
}

const sortKey: Record<Exclude<SearchSort, 'relevance'>, Prisma.Sql> = {
	newest: Prisma.sql`t.created_at`,
	most_played: Prisma.sql`t.play_count`,
	most_liked: Prisma.sql`t.like_count`
};

function afterKey(sort: SearchSort, key: number | string): Prisma.Sql {
	if (sort === 'relevance') return Prisma.sql`${key}::float8`;
	if (sort === 'newest') return Prisma.sql`${key}::timestamptz`;
	return Prisma.sql`${key}::int`;
}

/** Which sort applies: relevance needs words to rank by, so it falls back to newest without. */
export const effectiveSort = (q: string, sort?: SearchSort): SearchSort =>
	q ? (sort ?? 'relevance') : sort === 'relevance' || !sort ? 'newest' : sort;

/** How many tracks (up to FUZZY_BELOW) match by words and prefixes: decides on typo tolerance. */
const wordMatchCount = (p: Pick<SearchParams, 'userId' | 'q' | 'genre'>) => {
	const genre = p.genre ? Prisma.sql`AND ${GENRE_FOLD} = chorus_fold(${p.genre})` : Prisma.empty;
	return Prisma.sql`
		SELECT count(*)::int FROM (
			SELECT 1 FROM tracks t
			WHERE ${visibleSql(p.userId)} ${genre} AND ${FTS_VECTOR} @@ ${prefixTsquery(p.q)}
			LIMIT ${FUZZY_BELOW}
		) m`;
};

/**
 * The query's words as the full-text index knows them (folded, split by to_tsvector), which one
 * is typed last, whether the library has them (or longer words starting with them), and for
 * each the library words it may be a misspelling of: a shortlist from search_words in the
 * scopes the user may search (chorus_typo_candidates; typos.ts decides). With `count`, every
 * row also carries the word-match count `n`, and the shortlists are only made when it is below
 * FUZZY_BELOW.
 */
function queryWordsStatement(
	p: Pick<SearchParams, 'userId' | 'q' | 'genre'>,
	count: boolean
): Prisma.Sql {
	const budget = Prisma.sql`CASE WHEN char_length(v.word) >= ${TWO_TYPOS_MIN_CHARS}::int THEN 2
		WHEN char_length(v.word) >= ${ONE_TYPO_MIN_CHARS}::int THEN 1 ELSE 0 END`;
	const shortlist = Prisma.sql`ARRAY(
		SELECT chorus_typo_candidates(v.word, ${budget}, v.last, ${p.userId}::uuid))`;
	return Prisma.sql`
		SELECT v.word, v.last, w.known, w.started, ${
			count
				? Prisma.sql`CASE WHEN m.n < ${FUZZY_BELOW} THEN ${shortlist} ELSE '{}' END AS candidates, m.n`
				: Prisma.sql`${shortlist} AS candidates`
		}
		FROM (
			SELECT w.lexeme AS word, w.positions[cardinality(w.positions)]
				= max(w.positions[cardinality(w.positions)]) OVER () AS last
			FROM unnest(to_tsvector('simple', chorus_fold(${p.q}))) w
		) v CROSS JOIN LATERAL chorus_word_presence(v.word, ${p.userId}::uuid) w
		${count ? Prisma.sql`CROSS JOIN (${wordMatchCount(p)}) m (n)` : Prisma.empty}`;
}

/**
 * The page query for one search: by words and prefixes, or (mode 'fuzzy') with the typos of a
 * typo plan too. Rows `{ id, key, fts_count? }` in order, limit + 1 of them (one more tells of a
 * next page).
 */
export function searchStatement(p: SearchParams, plan?: TypoPlan): Prisma.Sql {
	const visible = visibleSql(p.userId);
	const genre = p.genre ? Prisma.sql`AND ${GENRE_FOLD} = chorus_fold(${p.genre})` : Prisma.empty;
	const take = p.limit + 1;
	const typos = p.mode === 'fuzzy' && plan?.fuzzy ? plan : null;
	// Every query word in any of its ways of matching: the word, its prefix or a typo of it.
	const typoMatch = typos && Prisma.sql`${FTS_VECTOR} @@ ${typos.anyQuery}::tsquery`;

	if (p.sort === 'relevance') {
		const after = p.after
			? Prisma.sql`WHERE (s.key, s.id) < (${afterKey('relevance', p.after.key)}, ${p.after.id}::uuid)`
			: Prisma.empty;
		// Tracks rank by typos, then by the query words they match only through a prefix (each word
		// at the cost of its cheapest way of matching, typos.ts), then by relevance: exact word hits
		// weigh double a prefix hit (ts_rank weights title > artist > album > genre), a title equal
		// to the query adds 1, and with typos, so do the words matched in any way. Without typos
		// the cost is PREFIX_COST for each query word not in the track (ts_delete removes those that
		// are): every one of them matched a prefix.
		const cost = typos
			? Prisma.join(
					typos.words.map(
						(w) =>
							Prisma.sql`CASE ${Prisma.join(
								w.levels.map(
									(l) => Prisma.sql`WHEN c.vec @@ ${l.query}::tsquery THEN ${l.cost}::int`
								),
								' '
							)} ELSE ${typos.unmatchedCost}::int END`
					),
					' + '
				)
			: Prisma.sql`${PREFIX_COST}::int
				* (cardinality(q.words) - length(c.vec) + length(ts_delete(c.vec, q.words)))`;
		const typoRank = typos ? Prisma.sql`ts_rank(c.vec, ${typos.anyQuery}::tsquery)` : Prisma.sql`0`;
		const fuzzy = typoMatch
			? Prisma.sql`fuzzy AS MATERIALIZED (
				SELECT t.id, t.title, t.artist, t.album, t.genre FROM tracks t
				WHERE ${visible} ${genre} AND ${typoMatch}
				LIMIT ${FUZZY_CANDIDATES}
			),`
			: Prisma.empty;
		return Prisma.sql`
			WITH q AS (
				SELECT tsvector_to_array(to_tsvector('simple', chorus_fold(${p.q}))) AS words
			), fts AS MATERIALIZED (
				SELECT t.id, t.title, t.artist, t.album, t.genre FROM tracks t
				WHERE ${visible} ${genre} AND ${FTS_VECTOR} @@ ${prefixTsquery(p.q)}
				LIMIT ${RANK_CANDIDATES}
			), ${fuzzy} c AS MATERIALIZED (
				SELECT t.id, ${FAST_VECTOR} AS vec, ${FAST_TITLE} AS ftitle
				FROM (SELECT * FROM fts ${typos ? Prisma.sql`UNION SELECT * FROM fuzzy` : Prisma.empty}) t
			), s AS (
				SELECT c.id, (
					(c.ftitle = ${foldedQuery(p.q)})::int
					+ 2 * ts_rank(c.vec, ${exactTsquery(p.q)})
					+ ts_rank(c.vec, ${prefixTsquery(p.q)})
					+ ${typoRank}
					- (${cost})
				)::float8 AS key
				FROM c CROSS JOIN q
			)
			SELECT s.id, s.key, (SELECT count(*)::int FROM fts) AS fts_count FROM s ${after}
			ORDER BY s.key DESC, s.id DESC LIMIT ${take}`;
	}

	const key = sortKey[p.sort];
	const match = !p.q
		? Prisma.empty
		: typoMatch
			? Prisma.sql`AND ${typoMatch}`
			: Prisma.sql`AND ${FTS_VECTOR} @@ ${prefixTsquery(p.q)}`;
	const after = p.after
		? Prisma.sql`AND (${key}, t.id) < (${afterKey(p.sort, p.after.key)}, ${p.after.id}::uuid)`
		: Prisma.empty;
	return Prisma.sql`
		SELECT t.id, ${key} AS key FROM tracks t
		WHERE ${visible} ${genre} ${match} ${after}
		ORDER BY ${key} DESC, t.id DESC LIMIT ${take}`;
}

/** Runs one statement of a search; `page`: the page query, which runs after searchSettings(). */
export type SearchRunner = <T>(sql: Prisma.Sql, page: boolean) => Promise<T[]>;

export interface SearchRow {
	id: string;
	key: number | Date;
	fts_count?: number;
}

/**
 * The statements of one search page; the server and the benchmark both run this. Words and
 * prefixes first: a search they answer well (FUZZY_BELOW tracks or more) is one statement, or
 * two for sorts other than relevance (which count the matches first, as their page query cannot).
 * Otherwise the query's words get their typo shortlists, and the page is made again with the
 * typos typos.ts accepts. 'auto' decides so on the first page; the cursor keeps the decision.
 */
export async function searchRows(
	run: SearchRunner,
	p: SearchParams
): Promise<{ rows: SearchRow[]; mode: 'exact' | 'fuzzy' }> {
	const page = (mode: 'exact' | 'fuzzy', plan?: TypoPlan) =>
		run<SearchRow>(searchStatement({ ...p, mode }, plan), true);
	if (!p.q || p.mode === 'exact') return { rows: await page('exact'), mode: 'exact' };

	let exact: SearchRow[] | undefined;
	let words: (QueryWord & { n?: number })[];
	if (p.mode === 'fuzzy') {
		words = await run(queryWordsStatement(p, false), false);
	} else if (p.sort === 'relevance') {
		exact = await page('exact');
		if ((exact[0]?.fts_count ?? 0) >= FUZZY_BELOW) return { rows: exact, mode: 'exact' };
		words = await run(queryWordsStatement(p, false), false);
	} else {
		words = await run(queryWordsStatement(p, true), false);
		if ((words[0]?.n ?? 0) >= FUZZY_BELOW) return { rows: await page('exact'), mode: 'exact' };
	}
	const plan = planTypos(words);
	// Nothing typos could add: only short words (or none the full-text index knows).
	if (!plan.fuzzy) return { rows: exact ?? (await page('exact')), mode: 'exact' };
	return { rows: await page('fuzzy', plan), mode: 'fuzzy' };
}

/**
 * Transaction-local settings for a search or suggest statement: no parallel workers (starting
 * them costs more than these capped, index-driven queries gain from them) and, for suggestions,
 * their trigram threshold.
 */
export const searchSettings = (threshold?: number) =>
	threshold === undefined
		? Prisma.sql`SELECT set_config('max_parallel_workers_per_gather', '0', true)`
		: Prisma.sql`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true),
			set_config('max_parallel_workers_per_gather', '0', true)`;
const applySettings = (threshold?: number) => getDb().$executeRaw(searchSettings(threshold));

/** A short fingerprint of what a cursor was made for, so it cannot be replayed on another search. */
const searchFingerprint = (q: string, genre: string | undefined, sort: SearchSort) =>
	createHash('sha256')
		.update(JSON.stringify([q, genre ?? null, sort]))
		.digest('base64url')
		.slice(0, 12);

export async function searchTracks(userId: string, query: SearchQuery): Promise<TrackPage> {
	const { q, genre, limit, cursor } = query;
	const sort = effectiveSort(q, query.sort);
	const h = searchFingerprint(q, genre, sort);
	if (cursor && (cursor.s !== sort || cursor.h !== h)) {
		throw new ApiError(400, 'VALIDATION', 'cursor: this cursor belongs to another search');
	}
	if (q && !hasWords(q)) return { tracks: [], nextCursor: null };

	const db = getDb();
	const run: SearchRunner = async <T>(sql: Prisma.Sql, page: boolean) =>
		page
			? (await db.$transaction([applySettings(), db.$queryRaw<T[]>(sql)]))[1]
			: db.$queryRaw<T[]>(sql);
	const { rows, mode } = await searchRows(run, {
		userId,
		q,
		genre,
		sort,
		limit,
		mode: cursor?.m ?? 'auto',
		after: cursor ? { key: cursor.k, id: cursor.i } : undefined
	});

	const page = rows.slice(0, limit);
	const byId = new Map(
		(await db.track.findMany({ where: { id: { in: page.map((r) => r.id) } } })).map((t) => [
			t.id,
			t
		])
	);
	// A track deleted between the two queries is simply left out.
	const tracks = await tracksJsonFor(
		page.flatMap((r) => byId.get(r.id) ?? []),
		userId
	);

	const last = page.at(-1);
	let nextCursor: string | null = null;
	if (rows.length > limit && last) {
		const base = { i: last.id, m: mode, h } as const;
		nextCursor = encodeCursor(
			sort === 'newest'
				? { s: sort, k: new Date(last.key).toISOString(), ...base }
				: { s: sort, k: Number(last.key), ...base }
		);
	}
	return { tracks, nextCursor };
}

// ---- Suggest ----------------------------------------------------------------------------------

export const coverUrlFor = (trackId: string, coverSha256: string | null) =>
	trackUrls(trackId, coverSha256).coverUrl;

export const suggestResponseSchema = z.object({
	tracks: z.array(
		z.object({ id: z.uuid(), title: z.string(), artist: z.string(), coverUrl: z.string() })
	),
	artists: z.array(z.object({ name: z.string(), trackCount: z.number() })),
	albums: z.array(
		z.object({ id: z.string(), title: z.string(), artist: z.string(), coverUrl: z.string() })
	)
});
export type Suggestions = z.infer<typeof suggestResponseSchema>;

/**
 * One statement, three lists, each from its own trigram index. Candidates are capped before
 * ranking so a one-letter query costs no more than a specific one; within them, names that start
 * with the query come first, then closer words, then more popular ones.
 */
export function suggestStatement(userId: string, q: string): SearchStatement {
	const visible = visibleSql(userId);
	const fq = foldedQuery(q);
	const sql = Prisma.sql`
		WITH tc AS MATERIALIZED (
			SELECT t.id, t.title, t.artist, t.cover_sha256, t.play_count, ${FAST_TITLE} AS f
			FROM tracks t WHERE ${visible} AND ${TITLE_FOLD} %> ${fq}
			LIMIT ${SUGGEST_TITLE_CANDIDATES}
		), ac AS MATERIALIZED (
			SELECT t.artist, ${Prisma.raw(fastFold('t.artist'))} AS f
			FROM tracks t WHERE ${visible} AND ${ARTIST_FOLD} %> ${fq}
			LIMIT ${SUGGEST_GROUP_CANDIDATES}
		), ag AS (
			SELECT ac.f, mode() WITHIN GROUP (ORDER BY ac.artist) AS name, count(*)::int AS n,
				row_number() OVER (
					ORDER BY starts_with(ac.f, ${fq}) DESC, word_similarity(${fq}, ac.f) DESC,
						count(*) DESC, ac.f
				) AS r
			FROM ac GROUP BY ac.f ORDER BY r LIMIT ${SUGGEST_LIMIT}
		), lc AS MATERIALIZED (
			SELECT t.album_id, t.album, coalesce(t.album_artist, t.artist) AS artist,
				${Prisma.raw(fastFold('t.album'))} AS f
			FROM tracks t WHERE ${visible} AND ${ALBUM_FOLD} %> ${fq} AND t.album_id IS NOT NULL
			LIMIT ${SUGGEST_GROUP_CANDIDATES}
		), lg AS (
			SELECT lc.album_id, mode() WITHIN GROUP (ORDER BY lc.album) AS title,
				mode() WITHIN GROUP (ORDER BY lc.artist) AS artist,
				row_number() OVER (
					ORDER BY starts_with(min(lc.f), ${fq}) DESC, word_similarity(${fq}, min(lc.f)) DESC,
						count(*) DESC, lc.album_id
				) AS r
			FROM lc GROUP BY lc.album_id ORDER BY r LIMIT ${SUGGEST_LIMIT}
		)
		SELECT
			(SELECT coalesce(json_agg(x ORDER BY x.r), '[]') FROM (
				SELECT tc.id, tc.title, tc.artist, tc.cover_sha256 AS "coverSha256",
					row_number() OVER (
						ORDER BY starts_with(tc.f, ${fq}) DESC, word_similarity(${fq}, tc.f) DESC,
							tc.play_count DESC, tc.id
					) AS r
				FROM tc ORDER BY r LIMIT ${SUGGEST_LIMIT}
			) x) AS tracks,
			(SELECT coalesce(json_agg(x ORDER BY x.r), '[]') FROM (
				-- Every visible track of a matching artist matches too, so unless the candidates
				-- were cut off, their count is exact.
				SELECT ag.name, ag.r, CASE
					WHEN (SELECT count(*) FROM ac) < ${SUGGEST_GROUP_CANDIDATES} THEN ag.n
					ELSE (SELECT count(*) FROM tracks t WHERE ${ARTIST_FOLD} = ag.f AND ${visible})
				END AS "trackCount"
				FROM ag
			) x) AS artists,
			(SELECT coalesce(json_agg(x ORDER BY x.r), '[]') FROM (
				SELECT lg.album_id AS id, lg.title, lg.artist, lg.r, c.id AS "coverTrackId",
					c.cover_sha256 AS "coverSha256"
				FROM lg CROSS JOIN LATERAL (
					SELECT t.id, t.cover_sha256 FROM tracks t
					WHERE t.album_id = lg.album_id AND ${visible}
					ORDER BY t.cover_sha256 IS NULL, t.track_no NULLS LAST, t.id LIMIT 1
				) c
			) x) AS albums`;
	return { threshold: trigramThreshold(q), sql };
}

interface SuggestRow {
	tracks: { id: string; title: string; artist: string; coverSha256: string | null }[];
	artists: { name: string; trackCount: number }[];
	albums: {
		id: string;
		title: string;
		artist: string;
		coverTrackId: string;
		coverSha256: string | null;
	}[];
}

export async function suggest(userId: string, q: string): Promise<Suggestions> {
	if (!hasWords(q)) return { tracks: [], artists: [], albums: [] };
	const db = getDb();
	const stmt = suggestStatement(userId, q);
	const [, rows] = await db.$transaction([
		applySettings(stmt.threshold),
		db.$queryRaw<SuggestRow[]>(stmt.sql)
	]);
	const row = rows[0]!;
	return {
		tracks: row.tracks.map((t) => ({
			id: t.id,
			title: t.title,
			artist: t.artist,
			coverUrl: coverUrlFor(t.id, t.coverSha256)
		})),
		artists: row.artists.map((a) => ({ name: a.name, trackCount: Number(a.trackCount) })),
		albums: row.albums.map((a) => ({
			id: a.id,
			title: a.title,
			artist: a.artist,
			coverUrl: coverUrlFor(a.coverTrackId, a.coverSha256)
		}))
	};
}
