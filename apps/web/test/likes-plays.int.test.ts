import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { signUp, testDb, type Client } from './tracks-client.ts';

interface Track {
	id: string;
	ownerId: string;
	title: string;
	durationMs: number;
	visibility: string;
	likeCount: number;
	playCount: number;
	likedByMe: boolean;
	coverUrl: string;
	createdAt: string;
}

let dir: string;
let alice: Client;
let bob: Client;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-likes-'));
	[alice, bob] = await Promise.all([signUp(), signUp()]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let uploads = 0;

/** Uploads a short track as `c` with the given visibility. */
async function upload(
	c: Client,
	visibility: 'private' | 'unlisted' | 'public' = 'public',
	seconds = 2
): Promise<Track> {
	const n = ++uploads;
	const file = await makeAudio(dir, 'mp3', {
		seconds,
		title: `Likes ${n}`,
		artist: 'Counter Band',
		frequencyHz: 200 + n
	});
	const res = await c.upload(file);
	expect(res.status).toBe(201);
	const track = (await res.json()) as Track;
	if (visibility === 'private') return track;
	return (await send(c, 'PATCH', `/api/v1/tracks/${track.id}`, { visibility })).body as Track;
}

async function send(c: Client, method: string, path: string, json?: unknown) {
	const res = await c.call(path, {
		method,
		...(json === undefined
			? {}
			: { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) })
	});
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		body: (text ? JSON.parse(text) : null) as any
	};
}

const like = (c: Client, id: string) => send(c, 'PUT', `/api/v1/tracks/${id}/like`);
const unlike = (c: Client, id: string) => send(c, 'DELETE', `/api/v1/tracks/${id}/like`);
const getTrack = async (c: Client, id: string) =>
	(await send(c, 'GET', `/api/v1/tracks/${id}`)).body as Track;

async function likeRows(trackId: string) {
	const db = testDb();
	const [rows, track] = await Promise.all([
		db.trackLike.count({ where: { trackId } }),
		db.track.findUniqueOrThrow({ where: { id: trackId } })
	]);
	return { rows, likeCount: track.likeCount };
}

describe('likes', () => {
	it('like and unlike are idempotent and keep likeCount in step', async () => {
		const track = await upload(bob);
		expect(await like(alice, track.id)).toMatchObject({
			status: 200,
			body: { liked: true, likeCount: 1 }
		});
		expect((await like(alice, track.id)).body).toEqual({ liked: true, likeCount: 1 });
		expect(await getTrack(alice, track.id)).toMatchObject({ likeCount: 1, likedByMe: true });
		expect(await getTrack(bob, track.id)).toMatchObject({ likeCount: 1, likedByMe: false });

		expect((await like(bob, track.id)).body).toEqual({ liked: true, likeCount: 2 });
		expect(await unlike(alice, track.id)).toMatchObject({
			status: 200,
			body: { liked: false, likeCount: 1 }
		});
		expect((await unlike(alice, track.id)).body).toEqual({ liked: false, likeCount: 1 });
		expect(await getTrack(alice, track.id)).toMatchObject({ likeCount: 1, likedByMe: false });
		expect(await likeRows(track.id)).toEqual({ rows: 1, likeCount: 1 });
	});

	it('concurrent likes and unlikes never drift the counter', async () => {
		const track = await upload(bob);
		const users = await Promise.all(Array.from({ length: 5 }, () => signUp()));

		// 20 concurrent likes by 5 users: exactly 5 likes.
		const likes = await Promise.all(
			users.flatMap((u) => [1, 2, 3, 4].map(() => like(u, track.id)))
		);
		expect(likes.map((r) => r.status)).toEqual(Array(20).fill(200));
		expect(await likeRows(track.id)).toEqual({ rows: 5, likeCount: 5 });

		// 20 interleaved likes and unlikes: whatever wins, the counter equals the rows.
		const mixed = await Promise.all(
			users.flatMap((u) =>
				[0, 1, 2, 3].map((i) => (i % 2 === 0 ? unlike(u, track.id) : like(u, track.id)))
			)
		);
		expect(mixed.map((r) => r.status)).toEqual(Array(20).fill(200));
		const after = await likeRows(track.id);
		expect(after.likeCount).toBe(after.rows);

		const unlikes = await Promise.all(
			users.flatMap((u) => [1, 2, 3, 4].map(() => unlike(u, track.id)))
		);
		expect(unlikes.map((r) => r.status)).toEqual(Array(20).fill(200));
		expect(await likeRows(track.id)).toEqual({ rows: 0, likeCount: 0 });
	});

	it('404 for tracks you cannot see; unlisted ones can be liked; 401 signed out', async () => {
		const hidden = await upload(bob, 'private');
		for (const res of [await like(alice, hidden.id), await unlike(alice, hidden.id)]) {
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe('NOT_FOUND');
		}
		expect((await like(alice, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
		expect((await like(alice, 'not-a-uuid')).status).toBe(404);
		expect(await likeRows(hidden.id)).toEqual({ rows: 0, likeCount: 0 });
		// The owner may like their own private track.
		expect((await like(bob, hidden.id)).body).toEqual({ liked: true, likeCount: 1 });

		const unlisted = await upload(bob, 'unlisted');
		expect((await like(alice, unlisted.id)).body).toEqual({ liked: true, likeCount: 1 });

		const anon = await fetch(`${alice.base}/api/v1/tracks/${unlisted.id}/like`, {
			method: 'PUT',
			headers: { origin: alice.base }
		});
		expect(anon.status).toBe(401);
		expect((await send(alice, 'POST', `/api/v1/tracks/${unlisted.id}/like`)).status).toBe(405);
	});
});

describe('GET /api/v1/me/likes', () => {
	const page = (c: Client, query = '') => send(c, 'GET', `/api/v1/me/likes${query}`);

	it('lists liked songs, most recent like first, page by page', async () => {
		const carol = await signUp();
		expect((await page(carol)).body).toEqual({ tracks: [], nextCursor: null });

		const tracks = [
			await upload(bob),
			await upload(bob),
			await upload(carol, 'private'),
			await upload(bob, 'unlisted'),
			await upload(bob)
		];
		for (const t of tracks) {
			expect((await like(carol, t.id)).status).toBe(200);
			await sleep(5);
		}
		const newestFirst = tracks.map((t) => t.id).reverse();

		const all = await page(carol);
		expect(all.status).toBe(200);
		expect(all.body.nextCursor).toBeNull();
		expect(all.body.tracks.map((t: Track) => t.id)).toEqual(newestFirst);
		expect(all.body.tracks.every((t: Track) => t.likedByMe)).toBe(true);

		const seen: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const res = await page(carol, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
			expect(res.status).toBe(200);
			expect(res.body.tracks.length).toBeLessThanOrEqual(2);
			seen.push(...res.body.tracks.map((t: Track) => t.id));
			cursor = res.body.nextCursor;
			pages++;
		} while (cursor);
		expect(pages).toBe(3);
		expect(seen).toEqual(newestFirst);

		// Unliked songs leave; a track its owner made private leaves too.
		await unlike(carol, tracks[1]!.id);
		await send(bob, 'PATCH', `/api/v1/tracks/${tracks[4]!.id}`, { visibility: 'private' });
		expect((await page(carol)).body.tracks.map((t: Track) => t.id)).toEqual([
			tracks[3]!.id,
			tracks[2]!.id,
			tracks[0]!.id
		]);
	});

	it('pages correctly through likes made at the same instant', async () => {
		const dave = await signUp();
		const tracks = await Promise.all([1, 2, 3, 4, 5].map(() => upload(bob)));
		for (const t of tracks) await like(dave, t.id);
		await testDb().trackLike.updateMany({
			where: { userId: dave.userId },
			data: { createdAt: new Date('2030-01-01T00:00:00.000Z') }
		});
		const expected = tracks
			.map((t) => t.id)
			.sort()
			.reverse();
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const res = await page(dave, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
			seen.push(...res.body.tracks.map((t: Track) => t.id));
			cursor = res.body.nextCursor;
		} while (cursor);
		expect(seen).toEqual(expected);
	});

	it('400 for a malformed cursor or limit', async () => {
		const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
		const bad = [
			'?cursor=',
			'?cursor=%21%21%21',
			`?cursor=${Buffer.from('not json').toString('base64url')}`,
			`?cursor=${b64({ at: 'yesterday', id: '00000000-0000-4000-8000-000000000000' })}`,
			`?cursor=${b64({ at: '2030-01-01T00:00:00.000Z', id: 'nope' })}`,
			`?cursor=${b64([1, 2])}`,
			'?limit=0',
			'?limit=101',
			'?limit=abc',
			'?limit=2.5',
			'?limit=-1'
		];
		for (const q of bad) {
			const res = await page(alice, q);
			expect(res.status, q).toBe(400);
			expect(res.body.error.code, q).toBe('VALIDATION');
		}
		const ok = await page(
			alice,
			`?limit=100&cursor=${b64({ at: '2030-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000000' })}`
		);
		expect(ok.status).toBe(200);
	});
});

describe('plays', () => {
	const start = (c: Client, trackId: string) => send(c, 'POST', `/api/v1/tracks/${trackId}/plays`);
	const progress = (c: Client, playId: string, positionMs: number, listenedMs: number) =>
		send(c, 'POST', `/api/v1/plays/${playId}/progress`, { positionMs, listenedMs });
	const threshold = (t: Track) => Math.min(Math.ceil(t.durationMs / 2), 30_000);

	async function startOk(c: Client, trackId: string): Promise<string> {
		const res = await start(c, trackId);
		expect(res.status).toBe(201);
		expect(res.body.play).toEqual({ id: expect.any(String), startedAt: expect.any(String) });
		return res.body.play.id as string;
	}

	it('counts once the threshold was heard, trusting listenedMs only up to the time elapsed', async () => {
		// 6 s: the threshold (3 s) is more than the 2 s of slack, so an instant claim cannot count.
		const track = await upload(alice, 'private', 6);
		const playId = await startOk(alice, track.id);

		const instant = await progress(alice, playId, track.durationMs, track.durationMs);
		expect(instant).toMatchObject({ status: 200, body: { counted: false, playCount: 0 } });

		await sleep(1_200);
		// Elapsed + slack now covers the threshold, but what was heard is just short of it.
		expect((await progress(alice, playId, 1_000, threshold(track) - 1)).body).toEqual({
			counted: false,
			playCount: 0
		});
		expect((await progress(alice, playId, 1_100, threshold(track))).body).toEqual({
			counted: true,
			playCount: 1
		});
		expect(await getTrack(alice, track.id)).toMatchObject({ playCount: 1 });

		const row = await testDb().play.findUniqueOrThrow({ where: { id: playId } });
		expect(row.countedAt).not.toBeNull();
		expect(row.positionMs).toBe(1_100);
		expect(row.listenedMs).toBe(threshold(track));
	});

	it('counts a session at most once, however often it reports', async () => {
		const track = await upload(alice, 'private');
		const playId = await startOk(alice, track.id);
		for (let i = 0; i < 5; i++) {
			expect((await progress(alice, playId, track.durationMs, track.durationMs)).body).toEqual({
				counted: true,
				playCount: 1
			});
		}
		// Even after the 10-minute window, the same session does not count again.
		await testDb().play.update({
			where: { id: playId },
			data: { countedAt: new Date(Date.now() - 11 * 60_000) }
		});
		expect((await progress(alice, playId, 0, track.durationMs)).body).toEqual({
			counted: true,
			playCount: 1
		});
		expect(await getTrack(alice, track.id)).toMatchObject({ playCount: 1 });
	});

	it('counts at most one play per user and track per 10 minutes, even concurrently', async () => {
		const track = await upload(bob);
		const first = await startOk(alice, track.id);
		expect((await progress(alice, first, 2_000, 2_000)).body).toEqual({
			counted: true,
			playCount: 1
		});

		const again = await startOk(alice, track.id);
		expect((await progress(alice, again, 2_000, 2_000)).body).toEqual({
			counted: false,
			playCount: 1
		});

		// Five sessions reporting at once while the window is open: none counts.
		const sessions = await Promise.all([1, 2, 3, 4, 5].map(() => startOk(alice, track.id)));
		const blocked = await Promise.all(sessions.map((id) => progress(alice, id, 2_000, 2_000)));
		expect(blocked.map((r) => r.body.counted)).toEqual([false, false, false, false, false]);

		// Ten minutes later, exactly one of them counts.
		await testDb().play.update({
			where: { id: first },
			data: { countedAt: new Date(Date.now() - 10 * 60_000 - 1_000) }
		});
		const racing = await Promise.all(sessions.map((id) => progress(alice, id, 2_000, 2_000)));
		expect(racing.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
		expect(racing.filter((r) => r.body.counted)).toHaveLength(1);
		expect(await getTrack(alice, track.id)).toMatchObject({ playCount: 2 });

		// Another listener is counted on their own.
		const bobs = await startOk(bob, track.id);
		expect((await progress(bob, bobs, 2_000, 2_000)).body).toEqual({
			counted: true,
			playCount: 3
		});
		const counted = await testDb().play.count({
			where: { trackId: track.id, countedAt: { not: null } }
		});
		expect(counted).toBe(3);
	});

	it("only the session's owner reports progress; 404 for unknown sessions", async () => {
		const track = await upload(bob);
		const playId = await startOk(alice, track.id);
		for (const res of [
			await progress(bob, playId, 1_000, 1_000),
			await progress(alice, '00000000-0000-4000-8000-000000000000', 1_000, 1_000),
			await progress(alice, 'nope', 1_000, 1_000)
		]) {
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe('NOT_FOUND');
		}
		const row = await testDb().play.findUniqueOrThrow({ where: { id: playId } });
		expect(row).toMatchObject({ positionMs: 0, listenedMs: 0, countedAt: null });

		// A track made private meanwhile stops collecting other people's plays.
		await send(bob, 'PATCH', `/api/v1/tracks/${track.id}`, { visibility: 'private' });
		expect((await progress(alice, playId, 2_000, 2_000)).status).toBe(404);
		expect(await getTrack(bob, track.id)).toMatchObject({ playCount: 0 });
	});

	it('validates progress reports and refuses tracks you cannot see', async () => {
		const track = await upload(alice, 'private');
		const playId = await startOk(alice, track.id);
		const bad: unknown[] = [
			{ positionMs: -1, listenedMs: 0 },
			{ positionMs: 0, listenedMs: -5 },
			{ positionMs: 1.5, listenedMs: 0 },
			{ positionMs: 0, listenedMs: 10.25 },
			{ positionMs: '100', listenedMs: 0 },
			{ positionMs: 0 },
			{ positionMs: 0, listenedMs: 0, counted: true },
			{ positionMs: 0, listenedMs: 1e12 },
			null,
			[]
		];
		for (const body of bad) {
			const res = await send(alice, 'POST', `/api/v1/plays/${playId}/progress`, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.code).toBe('VALIDATION');
		}
		const plain = await alice.call(`/api/v1/plays/${playId}/progress`, {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: '{"positionMs":0,"listenedMs":0}'
		});
		expect(plain.status).toBe(415);
		const broken = await alice.call(`/api/v1/plays/${playId}/progress`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"positionMs":'
		});
		expect(broken.status).toBe(400);
		expect(await getTrack(alice, track.id)).toMatchObject({ playCount: 0 });

		// Starting needs a track you may see, and a session.
		expect((await start(bob, track.id)).status).toBe(404);
		expect((await start(bob, 'nope')).status).toBe(404);
		const anon = await fetch(`${alice.base}/api/v1/tracks/${track.id}/plays`, {
			method: 'POST',
			headers: { origin: alice.base }
		});
		expect(anon.status).toBe(401);
		expect(await testDb().play.count({ where: { trackId: track.id } })).toBe(1);
	});

	it('429 when one user starts too many sessions in a minute', async () => {
		const erin = await signUp();
		const track = await upload(erin, 'private');
		const statuses: number[] = [];
		for (let batch = 0; batch < 6; batch++) {
			const res = await Promise.all(Array.from({ length: 10 }, () => start(erin, track.id)));
			statuses.push(...res.map((r) => r.status));
		}
		expect(statuses).toEqual(Array(60).fill(201));
		const over = await start(erin, track.id);
		expect(over.status).toBe(429);
		expect(over.body.error.code).toBe('RATE_LIMITED');
		expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await testDb().play.count({ where: { userId: erin.userId } })).toBe(60);

		// Others are not affected.
		expect((await start(alice, (await upload(alice, 'private')).id)).status).toBe(201);
	});
});

describe('GET /api/v1/home', () => {
	const home = async (c: Client) => {
		const res = await send(c, 'GET', '/api/v1/home');
		expect(res.status).toBe(200);
		return res.body as {
			recentlyAdded: Track[];
			mostPlayed: Track[];
			mostLiked: Track[];
			continueListening: { track: Track; positionMs: number; updatedAt: string }[];
		};
	};
	const ids = (tracks: Track[]) => tracks.map((t) => t.id);

	it('has four sections of visible tracks only', async () => {
		const frank = await signUp();
		const empty = await home(frank);
		expect(Object.keys(empty).sort()).toEqual([
			'continueListening',
			'mostLiked',
			'mostPlayed',
			'recentlyAdded'
		]);
		expect(empty.continueListening).toEqual([]);

		const secret = await upload(bob, 'private');
		const unlisted = await upload(bob, 'unlisted');
		const mine = await upload(frank, 'private');
		const db = testDb();
		// Make these the newest, most played and most liked tracks of the whole database, so a
		// missing visibility filter would put bob's hidden ones first in frank's home. Only
		// tracks nobody else can list are boosted, so other test files never see them.
		const future = new Date(Date.now() + 365 * 24 * 3600_000);
		const boost = (id: string, n: number) =>
			db.track.update({
				where: { id },
				data: {
					createdAt: new Date(future.getTime() + n),
					playCount: 1e9 + n,
					likeCount: 1e9 + n
				}
			});
		await Promise.all([boost(secret.id, 3), boost(unlisted.id, 2), boost(mine.id, 1)]);
		try {
			await like(frank, mine.id);
			const feed = await home(frank);
			for (const section of [feed.recentlyAdded, feed.mostPlayed, feed.mostLiked]) {
				expect(section.length).toBeGreaterThan(0);
				expect(section.length).toBeLessThanOrEqual(12);
				expect(section[0]).toMatchObject({ id: mine.id, likedByMe: true });
				expect(ids(section)).not.toContain(secret.id);
				expect(ids(section)).not.toContain(unlisted.id);
				for (const t of section)
					expect(t.visibility === 'public' || t.ownerId === frank.userId).toBe(true);
			}
			const sorted = (xs: number[]) => [...xs].sort((a, b) => b - a);
			const plays = feed.mostPlayed.map((t) => t.playCount);
			const likes = feed.mostLiked.map((t) => t.likeCount);
			expect(plays).toEqual(sorted(plays));
			expect(likes).toEqual(sorted(likes));
			const added = feed.recentlyAdded.map((t) => Date.parse(t.createdAt));
			expect(added).toEqual(sorted(added));
			// The owner sees their own private track.
			expect(ids((await home(bob)).recentlyAdded)[0]).toBe(secret.id);
		} finally {
			await db.trackLike.deleteMany({ where: { userId: frank.userId } });
			await db.track.updateMany({
				where: { id: { in: [secret.id, unlisted.id, mine.id] } },
				data: { createdAt: new Date(), playCount: 0, likeCount: 0 }
			});
		}
	});

	it('continues listening: latest session per track, with its position, visible tracks only', async () => {
		const gina = await signUp();
		const theirs = await upload(bob);
		const mine = await upload(gina, 'private');
		const start = async (id: string, positionMs: number) => {
			const res = await send(gina, 'POST', `/api/v1/tracks/${id}/plays`);
			expect(res.status).toBe(201);
			await send(gina, 'POST', `/api/v1/plays/${res.body.play.id}/progress`, {
				positionMs,
				listenedMs: 100
			});
			await sleep(5);
		};
		await start(theirs.id, 300);
		await start(mine.id, 500);
		await start(theirs.id, 700);

		const feed = await home(gina);
		expect(
			feed.continueListening.map((c) => [c.track.id, c.positionMs, typeof c.updatedAt])
		).toEqual([
			[theirs.id, 700, 'string'],
			[mine.id, 500, 'string']
		]);
		expect(feed.continueListening[0]!.track).toMatchObject({
			id: theirs.id,
			title: theirs.title,
			coverUrl: theirs.coverUrl
		});

		await send(bob, 'PATCH', `/api/v1/tracks/${theirs.id}`, { visibility: 'private' });
		expect((await home(gina)).continueListening.map((c) => c.track.id)).toEqual([mine.id]);
		expect((await send(gina, 'GET', '/api/v1/home', undefined)).status).toBe(200);
		expect((await fetch(`${gina.base}/api/v1/home`)).status).toBe(401);
	});
});
