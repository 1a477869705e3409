// Search, suggestions and browsing (genres, artists, albums) against the real server and DB.
// Other test files share the database, so every name here carries a random token and most
// searches are scoped to this run's own genres.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeAudio, type AudioOptions } from '../../../tests/fixtures/audio.ts';
import { signUp, testDb, waitProcessed, type Client } from './tracks-client.ts';

interface Track {
	id: string;
	title: string;
	artist: string;
	album: string | null;
	albumId: string | null;
	genre: string | null;
	trackNo: number | null;
	coverUrl: string;
	visibility: string;
	ownerId: string;
}
interface Page {
	tracks: Track[];
	nextCursor: string | null;
}

/** Letters only, so it is one word to full text search and to trigrams. */
const token = () => [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

const n = token();
const GA = `Rank ${n}`;
const GB = `Bossá ${n}`;
const GPOST = `Post ${n}`;
const GSORT = `Sort ${n}`;
const GVIS = `Vis ${n}`;
const SIGUR = `Sigur Rós ${n}`;
/** In the titles, artists and albums of the sort group (suggestions). */
const m = token();
/** In the titles of Bob's visibility group. */
const v = token();

let dir: string;
let alice: Client;
let bob: Client;
let carol: Client;
const byTitle = new Map<string, Track>();
const sortGroup: Track[] = [];

type Upload = AudioOptions & { visibility?: 'private' | 'unlisted' | 'public' };

async function upload(c: Client, tags: Upload): Promise<Track> {
	const { visibility, ...audio } = tags;
	const file = await makeAudio(dir, 'mp3', { seconds: 1, ...audio });
	const res = await c.upload(file);
	expect(res.status, await res.clone().text()).toBe(201);
	let track = (await res.json()) as Track;
	if (visibility && visibility !== 'private') {
		const patched = await c.call(`/api/v1/tracks/${track.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ visibility })
		});
		expect(patched.status).toBe(200);
		track = (await patched.json()) as Track;
	}
	return track;
}

async function get<T = Page>(c: Client, path: string, params: Record<string, string> = {}) {
	const qs = new URLSearchParams(params).toString();
	const res = await c.call(qs ? `${path}?${qs}` : path);
	return { status: res.status, body: (await res.json()) as T };
}

const search = (c: Client, params: Record<string, string>) => get(c, '/api/v1/search', params);
const titles = (p: Page) => p.tracks.map((t) => t.title);

/** Follows nextCursor to the end; fails on a page that is not 200. */
async function walk(c: Client, params: Record<string, string>): Promise<Track[]> {
	const all: Track[] = [];
	let cursor: string | null = null;
	for (let pages = 0; pages < 50; pages++) {
		const { status, body } = await search(c, { ...params, ...(cursor ? { cursor } : {}) });
		expect(status).toBe(200);
		all.push(...body.tracks);
		cursor = body.nextCursor;
		if (!cursor) return all;
	}
	throw new Error('too many pages');
}

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-search-'));
	[alice, bob, carol] = await Promise.all([signUp(), signUp(), signUp()]);

	const aliceTracks: Upload[] = [
		{ title: 'Yesterday', artist: 'The Beatles', album: 'Help!', trackNo: 13, genre: GA },
		{ title: 'Help!', artist: 'The Beatles', album: 'Help!', trackNo: 1, genre: GA },
		{ title: 'Ticket to Ride', artist: 'The Beatles', album: 'Help!', trackNo: 7, genre: GA },
		{ title: 'Yesterday Once More', artist: 'Carpenters', album: 'Now & Then', genre: GA },
		{ title: 'Sueño de Café', artist: 'Café del Mar', album: 'Volumen Uno', genre: GA },
		{ title: 'Smells Like Teen Spirit', artist: 'Nirvana', album: 'Nevermind', genre: GA },
		{ title: 'Lithium', artist: 'Nirvana', album: 'Nevermind', genre: GA },
		{ title: 'Yesterday', artist: 'Somebody Else', genre: GB },
		...(
			[
				['Svefn-g-englar', 'Ágætis byrjun', 2],
				['Intro', 'Ágætis byrjun', 1],
				['Bonus', 'Ágætis byrjun', undefined],
				['Avalon', 'Ágætis byrjun', undefined],
				['Glósóli', 'Takk', 2],
				['Single', undefined, undefined]
			] as const
		).map(([title, album, trackNo], i) => ({
			title,
			album,
			trackNo,
			artist: SIGUR,
			genre: i === 5 ? GPOST.toUpperCase() : GPOST,
			year: album === 'Takk' ? 2005 : album ? 1999 : undefined,
			cover: title === 'Svefn-g-englar'
		})),
		...Array.from({ length: 7 }, (_, k) => ({
			title: `${m} Walk ${k}`,
			artist: `${m} Band ${k}`,
			album: `${m} Album ${k}`,
			genre: GSORT
		}))
	];
	const bobTracks: Upload[] = [
		{ title: `${v} Hidden`, artist: `${v} Ghost`, album: `${v} Vault`, genre: GVIS },
		{
			title: `${v} Unlisted`,
			artist: `${v} Ghost`,
			album: `${v} Vault`,
			genre: GVIS,
			visibility: 'unlisted'
		},
		{ title: `${v} Shared`, artist: `${v} Host`, genre: GVIS, visibility: 'public' },
		{ title: "Bob's Secret", artist: SIGUR, album: 'Ágætis byrjun', trackNo: 3, genre: GPOST }
	];
	const uploaded = await Promise.all([
		...aliceTracks.map((t) => upload(alice, t)),
		...bobTracks.map((t) => upload(bob, t))
	]);
	for (const t of uploaded) {
		byTitle.set(t.genre === GB ? 'Yesterday (other genre)' : t.title, t);
		if (t.genre === GSORT) sortGroup.push(t);
	}
	// Background processing must not race the counters set below (and gives covers).
	await Promise.all(
		uploaded.map((t) => waitProcessed(t.ownerId === alice.userId ? alice : bob, t.id))
	);

	// Ties on purpose: equal created_at, play_count and like_count for several tracks.
	const db = testDb();
	const base = Date.parse('2024-05-01T12:00:00.000Z');
	const setup = [
		{ at: 0, plays: 3, likes: 0 },
		{ at: 0, plays: 3, likes: 2 },
		{ at: 0, plays: 3, likes: 2 },
		{ at: 1, plays: 1, likes: 2 },
		{ at: 1, plays: 1, likes: 0 },
		{ at: 2, plays: 0, likes: 0 },
		{ at: 3, plays: 5, likes: 1 }
	];
	await Promise.all(
		sortGroup.map((t, i) =>
			db.track.update({
				where: { id: t.id },
				data: {
					createdAt: new Date(base + setup[i]!.at * 60_000),
					playCount: setup[i]!.plays,
					likeCount: setup[i]!.likes
				}
			})
		)
	);
}, 60_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('GET /api/v1/search', () => {
	it('ranks an exact title above partial matches, and title words above album words', async () => {
		const yesterday = await search(alice, { q: 'yesterday', genre: GA });
		expect(yesterday.status).toBe(200);
		expect(titles(yesterday.body)).toEqual(['Yesterday', 'Yesterday Once More']);

		const help = await search(alice, { q: 'help', genre: GA });
		expect(titles(help.body)[0]).toBe('Help!');
		expect(titles(help.body).sort()).toEqual(['Help!', 'Ticket to Ride', 'Yesterday']);
	});

	it('finds words by their beginning', async () => {
		const { body } = await search(alice, { q: 'smel teen', genre: GA });
		expect(titles(body)).toEqual(['Smells Like Teen Spirit']);
	});

	it('tolerates typos', async () => {
		const beatles = await search(alice, { q: 'beatels', genre: GA });
		expect(titles(beatles.body).sort()).toEqual(['Help!', 'Ticket to Ride', 'Yesterday']);
		const nirvana = await search(alice, { q: 'nirvna', genre: GA });
		expect(titles(nirvana.body).sort()).toEqual(['Lithium', 'Smells Like Teen Spirit']);
		const ride = await search(alice, { q: 'tikcet to ride', genre: GA });
		expect(titles(ride.body)[0]).toBe('Ticket to Ride');
	});

	it('ignores accents and case', async () => {
		for (const q of ['cafe', 'CAFÉ', 'sueno', 'café del mar']) {
			const { body } = await search(alice, { q, genre: GA });
			expect(titles(body), q).toEqual(['Sueño de Café']);
		}
		const upper = await search(alice, { q: 'NIRVANA', genre: GA });
		const lower = await search(alice, { q: 'nirvana', genre: GA });
		expect(titles(upper.body).sort()).toEqual(['Lithium', 'Smells Like Teen Spirit']);
		expect(upper.body.tracks.map((t) => t.id)).toEqual(lower.body.tracks.map((t) => t.id));
	});

	it('filters by genre, case- and accent-insensitively', async () => {
		const other = await search(alice, { q: 'yesterday', genre: `BOSSA ${n.toUpperCase()}` });
		expect(other.body.tracks.map((t) => t.id)).toEqual([
			byTitle.get('Yesterday (other genre)')!.id
		]);
		const all = await search(alice, { genre: GA.toLowerCase(), limit: '100' });
		expect(all.body.tracks).toHaveLength(7);
		expect(all.body.tracks.every((t) => t.genre === GA)).toBe(true);
		expect((await search(alice, { q: 'yesterday', genre: 'no such genre' })).body.tracks).toEqual(
			[]
		);
	});

	it('returns full track JSON', async () => {
		const { body } = await search(alice, { q: 'lithium', genre: GA });
		expect(body.tracks[0]).toMatchObject({
			id: byTitle.get('Lithium')!.id,
			artist: 'Nirvana',
			album: 'Nevermind',
			likeCount: 0,
			playCount: 0,
			likedByMe: false,
			streamUrl: `/api/v1/tracks/${byTitle.get('Lithium')!.id}/stream`
		});
		expect(body.nextCursor).toBeNull();
	});

	const sortCases = [
		{ sort: 'newest', key: (t: { createdAt: Date }) => t.createdAt.getTime() },
		{ sort: 'most_played', key: (t: { playCount: number }) => t.playCount },
		{ sort: 'most_liked', key: (t: { likeCount: number }) => t.likeCount }
	] as const;

	it.each(sortCases)(
		'sorts by $sort, ties by id, and pages through them',
		async ({ sort, key }) => {
			const rows = await testDb().track.findMany({
				where: { id: { in: sortGroup.map((t) => t.id) } }
			});
			const expected = rows
				.sort((a, b) => key(b) - key(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
				.map((t) => t.id);
			const { body } = await search(alice, { genre: GSORT, sort });
			expect(body.tracks.map((t) => t.id)).toEqual(expected);
			// With a query too, and in pages of 2 (ties straddle the page boundaries).
			expect((await walk(alice, { genre: GSORT, sort, limit: '2' })).map((t) => t.id)).toEqual(
				expected
			);
			expect(
				(await walk(alice, { q: m, genre: GSORT, sort, limit: '3' })).map((t) => t.id)
			).toEqual(expected);
		}
	);

	it('pages through relevance results with equal scores without duplicates or gaps', async () => {
		const whole = await search(alice, { q: m, genre: GSORT, limit: '100' });
		expect(whole.body.tracks).toHaveLength(7);
		for (const limit of ['1', '2', '3']) {
			const ids = (await walk(alice, { q: m, genre: GSORT, limit })).map((t) => t.id);
			expect(ids).toEqual(whole.body.tracks.map((t) => t.id));
		}
		// Typo-tolerant results page the same way.
		const fuzzyIds = (await walk(alice, { q: 'beatels', genre: GA, limit: '1' })).map((t) => t.id);
		expect(new Set(fuzzyIds).size).toBe(3);
		expect(fuzzyIds).toHaveLength(3);
	});

	it('defaults to newest without a query and relevance with one', async () => {
		const browse = await search(alice, { genre: GSORT });
		const newest = await search(alice, { genre: GSORT, sort: 'newest' });
		expect(browse.body.tracks.map((t) => t.id)).toEqual(newest.body.tracks.map((t) => t.id));
		const ranked = await search(alice, { q: 'yesterday', genre: GA });
		const relevance = await search(alice, { q: 'yesterday', genre: GA, sort: 'relevance' });
		expect(ranked.body).toEqual(relevance.body);
	});

	it('rejects malformed cursors, sorts, limits and queries with 400', async () => {
		const first = await search(alice, { genre: GSORT, limit: '2' });
		const cursor = first.body.nextCursor!;
		expect(cursor).toBeTruthy();
		const b64 = (s: string) => Buffer.from(s).toString('base64url');
		const bad: Record<string, string>[] = [
			{ cursor: 'not a cursor!' },
			{ cursor: b64('not json') },
			{ cursor: b64('{"s":"newest"}') },
			{ cursor: b64(JSON.stringify({ s: 'newest', k: 'yesterday', i: 'x', m: 'exact', h: 'y' })) },
			{ cursor: 'A'.repeat(2000) },
			// A real cursor, but of another search or sort.
			{ genre: GSORT, sort: 'most_played', limit: '2', cursor },
			{ genre: GA, limit: '2', cursor },
			{ sort: 'popular' },
			{ limit: '0' },
			{ limit: '101' },
			{ limit: 'ten' },
			{ limit: '1.5' },
			{ q: 'x'.repeat(201) },
			{ genre: 'g'.repeat(101) }
		];
		for (const params of bad) {
			const res = await search(alice, params);
			expect(res.status, JSON.stringify(params)).toBe(400);
			expect((res.body as unknown as { error: { code: string } }).error.code).toBe('VALIDATION');
		}
		expect((await search(alice, { genre: GSORT, limit: '2', cursor })).status).toBe(200);
		expect((await search(alice, { q: 'x'.repeat(200) })).status).toBe(200);
	});

	it("never shows others' private or unlisted tracks; shows their public and your own", async () => {
		const forAlice = await search(alice, { q: v });
		expect(titles(forAlice.body)).toEqual([`${v} Shared`]);
		const forBob = await search(bob, { q: v });
		expect(titles(forBob.body).sort()).toEqual([`${v} Hidden`, `${v} Shared`, `${v} Unlisted`]);
		// Typo tolerance and browsing obey the same rule.
		const fuzzy = await search(alice, { q: `${v.slice(0, -1)}x hiden` });
		expect(
			fuzzy.body.tracks.some((t) => t.ownerId === bob.userId && t.visibility !== 'public')
		).toBe(false);
		const browse = await search(alice, { genre: GVIS, limit: '100' });
		expect(titles(browse.body)).toEqual([`${v} Shared`]);
		// Alice's own uploads are private; nobody else finds them.
		expect((await search(alice, { q: 'yesterday', genre: GA })).body.tracks).toHaveLength(2);
		expect((await search(carol, { q: 'yesterday', genre: GA })).body.tracks).toHaveLength(0);
	});
});

describe('GET /api/v1/search: typo tolerance', () => {
	const GT = `Typo ${n}`;
	/** Unique words, for the tracks whose words change (edited, made public, deleted). */
	const edited = token();
	const renamed = token();
	const deleted = token();
	/** One typo of a word of 8 letters: two letters swapped (or one replaced, if they are equal). */
	const typo = (w: string) =>
		w[2] !== w[3]
			? w.slice(0, 2) + w[3] + w[2] + w.slice(4)
			: `${w.slice(0, 3)}${w[3] === 'q' ? 'x' : 'q'}${w.slice(4)}`;
	const tracks = new Map<string, Track>();
	const typoSearch = (c: Client, q: string) => search(c, { q, genre: GT });
	/** This test group's search_words rows of a word: scope -> track count. */
	async function wordRows(word: string) {
		const rows = await testDb().searchWord.findMany({ where: { word } });
		return Object.fromEntries(rows.map((r) => [r.scope, r.trackCount]));
	}
	const PUBLIC_SCOPE = '00000000-0000-0000-0000-000000000000';

	beforeAll(async () => {
		const uploaded = await Promise.all(
			[
				{ title: 'Northern Lights', artist: 'Aurora', album: 'Borealis' },
				{ title: 'Northern Soul', artist: 'Somebody' },
				{ title: 'Lightship', artist: 'Somebody' },
				{ title: 'Light', artist: 'Somebody' },
				{ title: 'Aura', artist: 'Somebody' },
				{ title: `${edited} Carousel`, artist: 'Somebody' },
				{ title: `${deleted} Ballad`, artist: 'Somebody' }
			].map((t) => upload(alice, { ...t, genre: GT }))
		);
		for (const t of uploaded) tracks.set(t.title, t);
	}, 60_000);

	it('finds a transposition: auorra -> Aurora', async () => {
		const { status, body } = await typoSearch(alice, 'auorra');
		expect(status).toBe(200);
		expect(titles(body)).toEqual(['Northern Lights']);
	});

	it('finds two misspelled words: Nortern Ligths -> Northern Lights', async () => {
		expect(titles((await typoSearch(alice, 'Nortern Ligths')).body)).toEqual(['Northern Lights']);
	});

	it('finds doubled letters', async () => {
		expect(titles((await typoSearch(alice, 'Auroraa')).body)).toEqual(['Northern Lights']);
		expect(titles((await typoSearch(alice, 'Norrthern')).body).sort()).toEqual([
			'Northern Lights',
			'Northern Soul'
		]);
	});

	it('tolerates no typo in words under 5 characters', async () => {
		// "aira" and "soal" are one typo from "aura" and "soul", but 4 characters long.
		expect(titles((await typoSearch(alice, 'aira')).body)).toEqual([]);
		expect(titles((await typoSearch(alice, 'soal')).body)).toEqual([]);
		expect(titles((await typoSearch(alice, 'sould')).body)).toEqual(['Northern Soul']);
		// Two typos need 9 characters: "norrthren" has 9, "nrothren" 8.
		expect(titles((await typoSearch(alice, 'norrthren lights')).body)).toEqual(['Northern Lights']);
		expect(titles((await typoSearch(alice, 'nrothren lights')).body)).toEqual([]);
	});

	it('matches the word being typed as a prefix, with typos too', async () => {
		// (Northern Soul's genre, a random word, may start with an l too.)
		expect(titles((await typoSearch(alice, 'northern l')).body)[0]).toBe('Northern Lights');
		expect(titles((await typoSearch(alice, 'borea')).body)).toEqual(['Northern Lights']);
		expect(titles((await typoSearch(alice, 'borela')).body)).toEqual(['Northern Lights']);
		expect(titles((await typoSearch(alice, 'northern ligth')).body)).toEqual(['Northern Lights']);
		// Only the last word: before another word, a misspelled beginning is not enough.
		expect(titles((await typoSearch(alice, 'northern borela')).body)).toEqual(['Northern Lights']);
		expect(titles((await typoSearch(alice, 'borela northern')).body)).toEqual([]);
	});

	it('ranks the exact word first, then prefixes, then typos', async () => {
		expect(titles((await typoSearch(alice, 'lights')).body)).toEqual([
			'Northern Lights',
			'Lightship',
			'Light'
		]);
	});

	it('follows edited tags: the old words are gone, the new ones found', async () => {
		const track = tracks.get(`${edited} Carousel`)!;
		expect(titles((await typoSearch(alice, typo(edited))).body)).toEqual([track.title]);
		expect(await wordRows(edited)).toEqual({ [alice.userId]: 1 });
		expect(await wordRows('carousel')).toMatchObject({ [alice.userId]: 1 });

		const res = await alice.call(`/api/v1/tracks/${track.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ title: `${renamed} Carousel` })
		});
		expect(res.status).toBe(200);
		expect(titles((await typoSearch(alice, typo(edited))).body)).toEqual([]);
		expect(titles((await typoSearch(alice, typo(renamed))).body)).toEqual([`${renamed} Carousel`]);
		expect(await wordRows(edited)).toEqual({});
		expect(await wordRows(renamed)).toEqual({ [alice.userId]: 1 });
		expect(await wordRows('carousel')).toMatchObject({ [alice.userId]: 1 });
	});

	it('shortlists words only from tracks the searcher may see, and follows visibility', async () => {
		const track = tracks.get(`${edited} Carousel`)!;
		const candidates = async (c: Client) => {
			const rows = await testDb().$queryRaw<{ w: string }[]>`
				SELECT chorus_typo_candidates(${typo(renamed)}, 1, false, ${c.userId}::uuid) AS w`;
			return rows.map((r) => r.w);
		};
		expect(await candidates(alice)).toEqual([renamed]);
		expect(await candidates(carol)).toEqual([]);
		expect((await search(carol, { q: typo(renamed) })).body.tracks).toEqual([]);

		const res = await alice.call(`/api/v1/tracks/${track.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ visibility: 'public' })
		});
		expect(res.status).toBe(200);
		expect(await wordRows(renamed)).toEqual({ [PUBLIC_SCOPE]: 1 });
		expect(await candidates(carol)).toEqual([renamed]);
		expect(titles((await search(carol, { q: typo(renamed) })).body)).toEqual([
			`${renamed} Carousel`
		]);
	});

	it('forgets the words of a deleted track', async () => {
		const track = tracks.get(`${deleted} Ballad`)!;
		expect(titles((await typoSearch(alice, typo(deleted))).body)).toEqual([track.title]);
		expect(await wordRows(deleted)).toEqual({ [alice.userId]: 1 });
		const res = await alice.call(`/api/v1/tracks/${track.id}`, { method: 'DELETE' });
		expect(res.status).toBe(204);
		expect(await wordRows(deleted)).toEqual({});
		expect(titles((await typoSearch(alice, typo(deleted))).body)).toEqual([]);
		// Words other tracks still have stay, with one track less.
		expect(await wordRows('ballad')).not.toHaveProperty(alice.userId);
		expect((await wordRows('somebody'))[alice.userId]).toBeGreaterThanOrEqual(5);
	});
});

describe('GET /api/v1/search/suggest', () => {
	type Suggestions = {
		tracks: { id: string; title: string; artist: string; coverUrl: string }[];
		artists: { name: string; trackCount: number }[];
		albums: { id: string; title: string; artist: string; coverUrl: string }[];
	};
	const suggest = (c: Client, q: string) => get<Suggestions>(c, '/api/v1/search/suggest', { q });

	it('suggests at most 5 titles, artists and albums, with their details', async () => {
		const { status, body } = await suggest(alice, m);
		expect(status).toBe(200);
		expect(body.tracks).toHaveLength(5);
		expect(body.artists).toHaveLength(5);
		expect(body.albums).toHaveLength(5);
		const group = new Map(sortGroup.map((t) => [t.id, t]));
		for (const t of body.tracks) {
			expect(t).toEqual({
				id: t.id,
				title: group.get(t.id)!.title,
				artist: group.get(t.id)!.artist,
				coverUrl: group.get(t.id)!.coverUrl
			});
		}
		for (const a of body.artists) {
			expect(a.name).toMatch(new RegExp(`^${m} Band \\d$`));
			expect(a.trackCount).toBe(1);
		}
		for (const a of body.albums) {
			const track = sortGroup.find((t) => t.albumId === a.id)!;
			expect(a).toEqual({
				id: track.albumId,
				title: track.album,
				artist: track.artist,
				coverUrl: track.coverUrl
			});
		}
	});

	it('completes prefixes and typos, without accents or case', async () => {
		const prefix = await suggest(alice, SIGUR.slice(0, 7).toLowerCase());
		expect(prefix.body.artists.find((a) => a.name === SIGUR)).toEqual({
			name: SIGUR,
			trackCount: 6
		});
		const typo = await suggest(alice, `sigur ross ${n}`);
		expect(typo.body.artists.map((a) => a.name)).toContain(SIGUR);
		const album = await suggest(alice, 'agaetis byr');
		const agaetis = album.body.albums.find((a) => a.id === byTitle.get('Intro')!.albumId);
		expect(agaetis).toMatchObject({ title: 'Ágætis byrjun', artist: SIGUR });
		// The album's cover is the one of its tracks that has a cover.
		const svefn = await get<Track>(alice, `/api/v1/tracks/${byTitle.get('Svefn-g-englar')!.id}`);
		expect(svefn.body.coverUrl).not.toContain('placeholder');
		expect(agaetis!.coverUrl).toBe(svefn.body.coverUrl);
	});

	it("never suggests others' private or unlisted tracks, artists or albums", async () => {
		const { body } = await suggest(alice, v);
		expect(body.tracks.map((t) => t.title)).toEqual([`${v} Shared`]);
		expect(body.artists).toEqual([{ name: `${v} Host`, trackCount: 1 }]);
		expect(body.albums).toEqual([]);
		const own = await suggest(bob, v);
		expect(own.body.tracks).toHaveLength(3);
		expect(own.body.artists).toContainEqual({ name: `${v} Ghost`, trackCount: 2 });
		expect(own.body.albums.map((a) => a.title)).toEqual([`${v} Vault`]);
	});

	it('rejects a missing, empty or too long q with 400', async () => {
		for (const path of [
			'/api/v1/search/suggest',
			'/api/v1/search/suggest?q=',
			'/api/v1/search/suggest?q=%20%20',
			`/api/v1/search/suggest?q=${'x'.repeat(101)}`
		]) {
			const res = await alice.call(path);
			expect(res.status, path).toBe(400);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
		}
		expect((await suggest(alice, 'x'.repeat(100))).status).toBe(200);
	});
});

describe('GET /api/v1/genres', () => {
	type Genres = { genres: { name: string; trackCount: number }[] };

	it('counts visible tracks per genre, case- and accent-insensitively, most first', async () => {
		const { status, body } = await get<Genres>(alice, '/api/v1/genres');
		expect(status).toBe(200);
		const count = (name: string) => body.genres.find((g) => g.name === name)?.trackCount;
		expect(count(GA)).toBe(7);
		expect(count(GB)).toBe(1);
		expect(count(GSORT)).toBe(7);
		// Five "Post n" and one "POST n" are one genre; Bob's private track is not counted.
		expect(count(GPOST)).toBe(6);
		expect(body.genres.filter((g) => g.name.toLowerCase() === GPOST.toLowerCase())).toHaveLength(1);
		// Only Bob's public track.
		expect(count(GVIS)).toBe(1);
		const counts = body.genres.map((g) => g.trackCount);
		expect(counts).toEqual([...counts].sort((a, b) => b - a));

		const forBob = await get<Genres>(bob, '/api/v1/genres');
		expect(forBob.body.genres.find((g) => g.name === GVIS)?.trackCount).toBe(3);
		expect(forBob.body.genres.find((g) => g.name === GA)).toBeUndefined();
	});
});

describe('GET /api/v1/artists/:name and /api/v1/albums/:id', () => {
	type ArtistPage = {
		artist: { name: string; trackCount: number };
		albums: {
			id: string;
			title: string;
			year: number | null;
			coverUrl: string;
			trackCount: number;
		}[];
		tracks: Track[];
	};
	type AlbumPage = {
		album: {
			id: string;
			title: string;
			artist: string;
			year: number | null;
			coverUrl: string;
			trackCount: number;
			durationMs: number;
		};
		tracks: (Track & { durationMs: number })[];
	};
	const artist = (c: Client, name: string) =>
		get<ArtistPage>(c, `/api/v1/artists/${encodeURIComponent(name)}`);
	const album = (c: Client, id: string) =>
		get<AlbumPage>(c, `/api/v1/albums/${encodeURIComponent(id)}`);

	it('shows an artist matched case- and accent-insensitively, with albums newest first', async () => {
		const { status, body } = await artist(alice, `SIGUR ROS ${n.toUpperCase()}`);
		expect(status).toBe(200);
		expect(body.artist).toEqual({ name: SIGUR, trackCount: 6 });
		expect(body.tracks.map((t) => t.title).sort()).toEqual(
			['Avalon', 'Bonus', 'Glósóli', 'Intro', 'Single', 'Svefn-g-englar'].sort()
		);
		expect(body.albums.map((a) => [a.title, a.year, a.trackCount])).toEqual([
			['Takk', 2005, 1],
			['Ágætis byrjun', 1999, 4]
		]);
		const svefn = body.tracks.find((t) => t.title === 'Svefn-g-englar')!;
		expect(body.albums[1]!.coverUrl).toBe(svefn.coverUrl);
		expect(body.albums[1]!.id).toBe(svefn.albumId);
	});

	it('counts only what the viewer may see, and 404s when that is nothing', async () => {
		const forBob = await artist(bob, SIGUR);
		expect(forBob.body.artist.trackCount).toBe(1);
		expect(forBob.body.tracks.map((t) => t.title)).toEqual(["Bob's Secret"]);
		expect((await artist(carol, SIGUR)).status).toBe(404);
		expect((await artist(alice, `${v} Ghost`)).status).toBe(404);
		expect((await artist(bob, `${v} Ghost`)).status).toBe(200);
		const missing = await artist(alice, `nobody ${token()}`);
		expect(missing.status).toBe(404);
		expect((missing.body as unknown as { error: { code: string } }).error.code).toBe('NOT_FOUND');
	});

	it('lists an album by track number, then title, with its totals', async () => {
		const id = byTitle.get('Intro')!.albumId!;
		const { status, body } = await album(alice, id);
		expect(status).toBe(200);
		// Bob's private track 3 of the same album stays out.
		expect(body.tracks.map((t) => t.title)).toEqual(['Intro', 'Svefn-g-englar', 'Avalon', 'Bonus']);
		expect(body.album).toMatchObject({
			id,
			title: 'Ágætis byrjun',
			artist: SIGUR,
			year: 1999,
			trackCount: 4,
			coverUrl: body.tracks[1]!.coverUrl,
			durationMs: body.tracks.reduce((s, t) => s + t.durationMs, 0)
		});
		const forBob = await album(bob, id);
		expect(forBob.body.tracks.map((t) => t.title)).toEqual(["Bob's Secret"]);
	});

	it('404s for albums you cannot see and ids that cannot exist', async () => {
		const vault = byTitle.get(`${v} Hidden`)!.albumId!;
		expect((await album(bob, vault)).body.tracks).toHaveLength(2);
		expect((await album(alice, vault)).status).toBe(404);
		expect((await album(carol, byTitle.get('Intro')!.albumId!)).status).toBe(404);
		for (const id of ['nothex', '0'.repeat(20), 'A'.repeat(20), `${'a'.repeat(20)}x`]) {
			const res = await album(alice, id);
			expect(res.status, id).toBe(404);
			expect((res.body as unknown as { error: { code: string } }).error.code).toBe('NOT_FOUND');
		}
	});
});

describe('authentication', () => {
	it('answers 401 without a session', async () => {
		const base = inject('webUrl');
		for (const path of [
			'/api/v1/search?q=x',
			'/api/v1/search/suggest?q=x',
			'/api/v1/genres',
			'/api/v1/artists/x',
			'/api/v1/albums/0123456789abcdef0123'
		]) {
			const res = await fetch(base + path);
			expect(res.status, path).toBe(401);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
				'UNAUTHENTICATED'
			);
		}
	});
});
