import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { signUp, testDb, type Client } from './tracks-client.ts';

interface Track {
	id: string;
	durationMs: number;
	coverUrl: string;
}
interface Playlist {
	id: string;
	name: string;
	trackCount: number;
	durationMs: number;
	coverUrl: string | null;
	createdAt: string;
	updatedAt: string;
}
interface Item {
	id: string;
	position: number;
	addedAt: string;
	track: Track;
}

let dir: string;
let alice: Client;
let bob: Client;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-playlists-'));
	[alice, bob] = await Promise.all([signUp(), signUp()]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let uploads = 0;
async function upload(
	c: Client,
	visibility: 'private' | 'unlisted' | 'public' = 'private'
): Promise<Track> {
	const n = ++uploads;
	const file = await makeAudio(dir, 'mp3', {
		seconds: 1 + (n % 3),
		title: `Playlist song ${n}`,
		artist: 'List Makers',
		frequencyHz: 300 + n
	});
	const res = await c.upload(file);
	expect(res.status).toBe(201);
	const track = (await res.json()) as Track;
	if (visibility !== 'private') {
		expect((await send(c, 'PATCH', `/api/v1/tracks/${track.id}`, { visibility })).status).toBe(200);
	}
	return track;
}

async function send(c: Client, method: string, path: string, json?: unknown) {
	const res = await c.call(path, {
		method,
		...(json === undefined
			? {}
			: { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) })
	});
	const text = await res.text();
	return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}

async function create(c: Client, name: string): Promise<Playlist> {
	const res = await send(c, 'POST', '/api/v1/playlists', { name });
	expect(res.status).toBe(201);
	return res.body.playlist;
}
async function add(c: Client, playlistId: string, trackId: string): Promise<Item> {
	const res = await send(c, 'POST', `/api/v1/playlists/${playlistId}/items`, { trackId });
	expect(res.status).toBe(201);
	return res.body.item;
}
async function get(c: Client, id: string): Promise<{ playlist: Playlist; items: Item[] }> {
	const res = await send(c, 'GET', `/api/v1/playlists/${id}`);
	expect(res.status).toBe(200);
	return res.body;
}
const trackIds = (items: Item[]) => items.map((i) => i.track.id);

describe('playlists', () => {
	it('full lifecycle: create, add, list, rename, reorder, remove, delete', async () => {
		const mine = await upload(alice);
		const open = await upload(bob, 'public');
		const unlisted = await upload(bob, 'unlisted');

		const created = await create(alice, '  Road trip  ');
		expect(created).toEqual({
			id: expect.any(String),
			name: 'Road trip',
			trackCount: 0,
			durationMs: 0,
			coverUrl: null,
			createdAt: expect.any(String),
			updatedAt: expect.any(String)
		});
		expect(await get(alice, created.id)).toEqual({ playlist: created, items: [] });

		const items = [
			await add(alice, created.id, mine.id),
			await add(alice, created.id, open.id),
			await add(alice, created.id, unlisted.id),
			await add(alice, created.id, open.id) // duplicates are allowed
		];
		expect(items.map((i) => i.position)).toEqual([0, 1, 2, 3]);
		expect(items[1]).toMatchObject({
			id: expect.any(String),
			addedAt: expect.any(String),
			track: { id: open.id, coverUrl: open.coverUrl, likedByMe: false }
		});

		let full = await get(alice, created.id);
		expect(full.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
		expect(full.playlist).toMatchObject({
			name: 'Road trip',
			trackCount: 4,
			durationMs: mine.durationMs + 2 * open.durationMs + unlisted.durationMs,
			coverUrl: mine.coverUrl
		});
		expect(Date.parse(full.playlist.updatedAt)).toBeGreaterThanOrEqual(
			Date.parse(created.updatedAt)
		);

		const other = await create(alice, 'Other');
		const list = await send(alice, 'GET', '/api/v1/playlists');
		expect(list.status).toBe(200);
		const listed = list.body.playlists as Playlist[];
		expect(listed.map((p) => p.id).sort()).toEqual([created.id, other.id].sort());
		expect(listed.find((p) => p.id === created.id)).toEqual(full.playlist);

		const renamed = await send(alice, 'PATCH', `/api/v1/playlists/${created.id}`, {
			name: 'Night drive'
		});
		expect(renamed.status).toBe(200);
		expect(renamed.body.playlist).toMatchObject({
			id: created.id,
			name: 'Night drive',
			trackCount: 4
		});

		// Reorder: the exact set in a new order.
		const order = [items[2]!, items[0]!, items[3]!, items[1]!].map((i) => i.id);
		const reordered = await send(alice, 'PUT', `/api/v1/playlists/${created.id}/order`, {
			itemIds: order
		});
		expect(reordered.status).toBe(200);
		expect(reordered.body.items.map((i: Item) => i.id)).toEqual(order);
		expect(reordered.body.items.map((i: Item) => i.position)).toEqual([0, 1, 2, 3]);
		full = await get(alice, created.id);
		expect(full.items.map((i) => i.id)).toEqual(order);
		expect(full.playlist.coverUrl).toBe(unlisted.coverUrl);

		// Removing one keeps the order of the others.
		const removed = await alice.call(`/api/v1/playlists/${created.id}/items/${items[0]!.id}`, {
			method: 'DELETE'
		});
		expect(removed.status).toBe(204);
		full = await get(alice, created.id);
		expect(full.items.map((i) => i.id)).toEqual([items[2]!.id, items[3]!.id, items[1]!.id]);
		expect(full.playlist).toMatchObject({
			trackCount: 3,
			durationMs: 2 * open.durationMs + unlisted.durationMs
		});
		const again = await alice.call(`/api/v1/playlists/${created.id}/items/${items[0]!.id}`, {
			method: 'DELETE'
		});
		expect(again.status).toBe(404);
		// Appending after a removal goes to the end.
		const last = await add(alice, created.id, mine.id);
		expect(trackIds((await get(alice, created.id)).items).at(-1)).toBe(mine.id);
		expect(last.position).toBeGreaterThan(Math.max(...full.items.map((i) => i.position)));

		expect((await alice.call(`/api/v1/playlists/${created.id}`, { method: 'DELETE' })).status).toBe(
			204
		);
		expect((await send(alice, 'GET', `/api/v1/playlists/${created.id}`)).status).toBe(404);
		expect((await alice.call(`/api/v1/playlists/${created.id}`, { method: 'DELETE' })).status).toBe(
			404
		);
		const after = (await send(alice, 'GET', '/api/v1/playlists')).body.playlists as Playlist[];
		expect(after.map((p) => p.id)).toEqual([other.id]);
		expect(await testDb().playlistItem.count({ where: { playlistId: created.id } })).toBe(0);
		// The tracks themselves stay.
		expect((await send(alice, 'GET', `/api/v1/tracks/${mine.id}`)).status).toBe(200);
	});

	it('validates names and bodies', async () => {
		const name100 = 'x'.repeat(100);
		expect((await create(alice, name100)).name).toBe(name100);
		const bad: unknown[] = [
			{ name: '' },
			{ name: '   ' },
			{ name: 'x'.repeat(101) },
			{ name: 42 },
			{},
			{ name: 'ok', extra: true },
			null
		];
		for (const body of bad) {
			const res = await send(alice, 'POST', '/api/v1/playlists', body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.code).toBe('VALIDATION');
		}
		const p = await create(alice, 'Valid');
		expect((await send(alice, 'PATCH', `/api/v1/playlists/${p.id}`, { name: ' ' })).status).toBe(
			400
		);
		for (const body of [{ trackId: 'nope' }, {}, { trackId: 5 }]) {
			const res = await send(alice, 'POST', `/api/v1/playlists/${p.id}/items`, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
		}
		for (const body of [{ itemIds: 'a' }, {}, { itemIds: [1] }]) {
			const res = await send(alice, 'PUT', `/api/v1/playlists/${p.id}/order`, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
		}
		const plain = await alice.call('/api/v1/playlists', {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: '{"name":"x"}'
		});
		expect(plain.status).toBe(415);
		expect((await fetch(`${alice.base}/api/v1/playlists`)).status).toBe(401);
		expect((await send(alice, 'PUT', '/api/v1/playlists')).status).toBe(405);
	});

	it('409 when the new order is not exactly a permutation of the items', async () => {
		const t = await upload(alice);
		const p = await create(alice, 'Strict');
		const items = [
			await add(alice, p.id, t.id),
			await add(alice, p.id, t.id),
			await add(alice, p.id, t.id)
		];
		const [a, b, c] = items.map((i) => i.id) as [string, string, string];
		const foreign = await add(alice, (await create(alice, 'Else')).id, t.id);
		const wrong = [
			[a, b],
			[a, b, c, c],
			[a, b, b],
			[a, b, foreign.id],
			[a, b, c, '00000000-0000-4000-8000-000000000000'],
			[a, b, 'not-an-id'],
			[]
		];
		for (const itemIds of wrong) {
			const res = await send(alice, 'PUT', `/api/v1/playlists/${p.id}/order`, { itemIds });
			expect(res.status, JSON.stringify(itemIds)).toBe(409);
			expect(res.body.error.code).toBe('CONFLICT');
		}
		expect((await get(alice, p.id)).items.map((i) => i.id)).toEqual([a, b, c]);
		const ok = await send(alice, 'PUT', `/api/v1/playlists/${p.id}/order`, { itemIds: [c, b, a] });
		expect(ok.status).toBe(200);
		expect((await get(alice, p.id)).items.map((i) => i.id)).toEqual([c, b, a]);

		// An empty playlist accepts the empty permutation.
		const empty = await create(alice, 'Empty');
		const res = await send(alice, 'PUT', `/api/v1/playlists/${empty.id}/order`, { itemIds: [] });
		expect(res).toEqual({ status: 200, body: { items: [] } });
	});

	it("someone else's playlist is a 404 for every operation; hidden tracks cannot be added", async () => {
		const t = await upload(alice);
		const p = await create(alice, 'Mine only');
		const item = await add(alice, p.id, t.id);
		const bobsTrack = await upload(bob, 'public');
		const base = `/api/v1/playlists/${p.id}`;
		const attempts = [
			await send(bob, 'GET', base),
			await send(bob, 'PATCH', base, { name: 'Hijacked' }),
			await send(bob, 'DELETE', base),
			await send(bob, 'POST', `${base}/items`, { trackId: bobsTrack.id }),
			await send(bob, 'DELETE', `${base}/items/${item.id}`),
			await send(bob, 'PUT', `${base}/order`, { itemIds: [item.id] })
		];
		for (const res of attempts) {
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe('NOT_FOUND');
		}
		expect((await send(bob, 'GET', '/api/v1/playlists')).body.playlists).toEqual([]);
		const still = await get(alice, p.id);
		expect(still.playlist.name).toBe('Mine only');
		expect(still.items.map((i) => i.id)).toEqual([item.id]);

		expect((await send(alice, 'GET', '/api/v1/playlists/not-a-uuid')).status).toBe(404);
		expect(
			(await send(alice, 'GET', '/api/v1/playlists/00000000-0000-4000-8000-000000000000')).status
		).toBe(404);
		expect((await send(alice, 'DELETE', `${base}/items/nope`)).status).toBe(404);

		// Adding a track you cannot see.
		const hidden = await upload(bob, 'private');
		for (const trackId of [hidden.id, '00000000-0000-4000-8000-000000000000']) {
			const res = await send(alice, 'POST', `${base}/items`, { trackId });
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe('NOT_FOUND');
		}
		expect((await get(alice, p.id)).items).toHaveLength(1);
	});

	it('deleting a track from the library removes it from playlists', async () => {
		const [t1, t2, t3] = [await upload(alice), await upload(alice), await upload(alice)];
		const theirs = await upload(bob, 'public');
		const p = await create(alice, 'Shrinking');
		const other = await create(alice, 'Also has it');
		for (const t of [t1, t2, t3, theirs]) await add(alice, p.id, t!.id);
		await add(alice, other.id, t2!.id);

		expect((await alice.call(`/api/v1/tracks/${t2!.id}`, { method: 'DELETE' })).status).toBe(204);
		expect((await bob.call(`/api/v1/tracks/${theirs.id}`, { method: 'DELETE' })).status).toBe(204);

		const full = await get(alice, p.id);
		expect(trackIds(full.items)).toEqual([t1!.id, t3!.id]);
		expect(full.playlist).toMatchObject({
			trackCount: 2,
			durationMs: t1!.durationMs + t3!.durationMs
		});
		expect((await get(alice, other.id)).playlist).toMatchObject({
			trackCount: 0,
			durationMs: 0,
			coverUrl: null
		});
	});

	it('a track made private by its owner drops out of playlists until it is public again', async () => {
		const mine = await upload(alice);
		const theirs = await upload(bob, 'public');
		const p = await create(alice, 'Comes and goes');
		const first = await add(alice, p.id, theirs.id);
		const second = await add(alice, p.id, mine.id);

		await send(bob, 'PATCH', `/api/v1/tracks/${theirs.id}`, { visibility: 'private' });
		let full = await get(alice, p.id);
		expect(full.items.map((i) => i.id)).toEqual([second.id]);
		expect(full.playlist).toMatchObject({ trackCount: 1, coverUrl: mine.coverUrl });
		// The order covers the items the owner sees.
		const third = await add(alice, p.id, mine.id);
		const res = await send(alice, 'PUT', `/api/v1/playlists/${p.id}/order`, {
			itemIds: [third.id, second.id]
		});
		expect(res.status).toBe(200);

		await send(bob, 'PATCH', `/api/v1/tracks/${theirs.id}`, { visibility: 'public' });
		full = await get(alice, p.id);
		expect(full.items.map((i) => i.id)).toEqual([third.id, second.id, first.id]);
		expect(full.playlist.trackCount).toBe(3);
	});

	it('concurrent appends get distinct positions in order', async () => {
		const t = await upload(alice);
		const p = await create(alice, 'Busy');
		const added = await Promise.all(Array.from({ length: 10 }, () => add(alice, p.id, t.id)));
		expect(added.map((i) => i.position).sort((a, b) => a - b)).toEqual([
			0, 1, 2, 3, 4, 5, 6, 7, 8, 9
		]);
		const full = await get(alice, p.id);
		expect(full.items.map((i) => i.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(full.playlist.trackCount).toBe(10);
	});
});

describe('OpenAPI', () => {
	it('documents the likes, plays, home and playlist routes', async () => {
		const doc = await (await fetch(`${alice.base}/api/v1/openapi.json`)).json();
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining([
				'/api/v1/tracks/{id}/like',
				'/api/v1/tracks/{id}/plays',
				'/api/v1/plays/{id}/progress',
				'/api/v1/me/likes',
				'/api/v1/home',
				'/api/v1/playlists',
				'/api/v1/playlists/{id}',
				'/api/v1/playlists/{id}/items',
				'/api/v1/playlists/{id}/items/{itemId}',
				'/api/v1/playlists/{id}/order'
			])
		);
		expect(Object.keys(doc.paths['/api/v1/tracks/{id}/like']).sort()).toEqual(['delete', 'put']);
		const progress =
			doc.paths['/api/v1/plays/{id}/progress'].post.requestBody.content['application/json'].schema;
		expect(progress.required.sort()).toEqual(['listenedMs', 'positionMs']);
	});
});
