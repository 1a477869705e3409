// Editing the tags and cover of an upload: PATCH /api/v1/tracks/:id, PUT .../cover and the track
// page's form actions, which go through the same service.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	makeAudio,
	makeGif,
	makeHugePng,
	makeJpeg,
	makePng,
	makeSvg
} from '../../../tests/fixtures/audio.ts';
import { signUp, testDb, waitProcessed, type Client } from './tracks-client.ts';

let dir: string;
let alice: Client;
let bob: Client;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-track-edit-'));
	[alice, bob] = await Promise.all([signUp(), signUp()]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Letters only: one word for full text search and trigrams. */
const word = () => Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('');

const patch = (c: Client, id: string, body: unknown, headers: Record<string, string> = {}) =>
	c.call(`/api/v1/tracks/${id}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});

const putCover = (c: Client, id: string, body: Buffer, type = 'image/jpeg') =>
	c.call(`/api/v1/tracks/${id}/cover`, {
		method: 'PUT',
		headers: { 'content-type': type },
		body: new Uint8Array(body)
	});

/** A SvelteKit form action as the enhanced form sends it: JSON result, same origin. */
async function action(c: Client, id: string, name: string, form: FormData) {
	const res = await c.call(`/tracks/${id}?/${name}`, {
		method: 'POST',
		headers: { 'x-sveltekit-action': 'true', origin: inject('publicOrigin') },
		body: form
	});
	expect(res.status).toBe(200);
	return (await res.json()) as { type: string; status?: number; data?: string };
}

/** A tag-less upload: "Unknown artist", the title from the file name, no album. */
async function uploadUntagged(c: Client, name: string) {
	const file = await makeAudio(dir, 'mp3', { noTags: true, seconds: 2 });
	const res = await c.upload(file, { filename: `${name}.mp3` });
	expect(res.status).toBe(201);
	const track = await res.json();
	// The file name stands in for the title ("_" read as spaces).
	expect(track).toMatchObject({
		title: name.replaceAll('_', ' '),
		artist: 'Unknown artist',
		album: null,
		genre: null
	});
	return track as { id: string; coverUrl: string };
}

const get = async (c: Client, id: string) => (await c.call(`/api/v1/tracks/${id}`)).json();

describe('PATCH /api/v1/tracks/:id', () => {
	it('the owner fills in a tag-less upload; search, the album and the uploads list follow', async () => {
		const w = word();
		const old = word();
		const track = await uploadUntagged(alice, `track_${old}`);
		const res = await patch(alice, track.id, {
			title: `  Night\tDrive   ${w} `,
			artist: ` Ada  ${w}`,
			album: `Roads ${w}`,
			genre: 'Synthwave',
			trackNo: 2,
			year: 2024
		});
		expect(res.status).toBe(200);
		const edited = await res.json();
		expect(edited).toMatchObject({
			title: `Night Drive ${w}`,
			artist: `Ada ${w}`,
			album: `Roads ${w}`,
			genre: 'Synthwave',
			trackNo: 2,
			year: 2024
		});
		// The album grouping is recomputed, so the album page lists it.
		expect(edited.albumId).toMatch(/^[0-9a-f]{20}$/);
		const album = await (await alice.call(`/api/v1/albums/${edited.albumId}`)).json();
		expect(album.tracks.map((t: { id: string }) => t.id)).toEqual([track.id]);
		// Search finds the new title and artist, and no longer the old file name.
		const found = async (q: string) => {
			const body = await (await alice.call(`/api/v1/search?q=${encodeURIComponent(q)}`)).json();
			return body.tracks.map((t: { id: string }) => t.id);
		};
		expect(await found(`night drive ${w}`)).toContain(track.id);
		expect(await found(`ada ${w}`)).toContain(track.id);
		expect(await found(old)).not.toContain(track.id);
		const mine = await (await alice.call('/api/v1/tracks')).json();
		expect(mine.tracks.find((t: { id: string }) => t.id === track.id).title).toBe(
			`Night Drive ${w}`
		);
		// An empty optional tag clears it; the album grouping goes with it.
		const cleared = await (await patch(alice, track.id, { album: '  ', genre: '' })).json();
		expect(cleared).toMatchObject({ album: null, genre: null, albumId: null });
	});

	it('others get 404 for a private track and 403 for one they may see; nothing changes', async () => {
		const track = await uploadUntagged(alice, `private_${word()}`);
		const missing = await patch(bob, crypto.randomUUID(), { title: 'x' });
		const hidden = await patch(bob, track.id, { title: 'Hacked' });
		expect(hidden.status).toBe(404);
		// Exactly like a track that does not exist.
		expect(await hidden.json()).toEqual(await missing.json());
		expect((await patch(bob, 'not-a-uuid', { title: 'x' })).status).toBe(404);

		expect((await patch(alice, track.id, { visibility: 'public' })).status).toBe(200);
		const forbidden = await patch(bob, track.id, { title: 'Hacked' });
		expect(forbidden.status).toBe(403);
		expect((await forbidden.json()).error.code).toBe('FORBIDDEN');
		expect((await get(alice, track.id)).title).not.toBe('Hacked');

		// Same-origin (as a page would send it), so what answers is the missing session.
		const signedOut = await fetch(`${inject('webUrl')}/api/v1/tracks/${track.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: inject('publicOrigin') },
			body: JSON.stringify({ title: 'x' })
		});
		expect(signedOut.status).toBe(401);
	});

	it('refuses cross-site requests (Origin / Sec-Fetch-Site)', async () => {
		const track = await uploadUntagged(alice, `csrf_${word()}`);
		const crossSite: Record<string, string>[] = [
			{ origin: 'https://evil.example' },
			{ 'sec-fetch-site': 'cross-site' },
			{ 'sec-fetch-site': 'same-site' }
		];
		for (const headers of crossSite) {
			const res = await patch(alice, track.id, { title: 'Cross site' }, headers);
			expect(res.status).toBe(403);
		}
		expect(
			(await patch(alice, track.id, { title: 'Same' }, { origin: inject('publicOrigin') })).status
		).toBe(200);
	});

	it('422 with the issue for values it cannot accept; 400/415 for bodies that are not JSON', async () => {
		const track = await uploadUntagged(alice, `bad_${word()}`);
		const long = 'x'.repeat(301);
		const cases: [unknown, RegExp][] = [
			[{}, /at least one field/],
			[{ title: '' }, /Title is required/],
			[{ title: '   ' }, /Title is required/],
			[{ title: null }, /title/i],
			[{ artist: '\t\n' }, /Artist is required/],
			[{ title: long }, /Title must be at most 300 characters/],
			[{ album: long }, /Album must be at most 300 characters/],
			[{ genre: 'g'.repeat(101) }, /Genre must be at most 100 characters/],
			[{ title: 'Bell\u0007' }, /control characters/],
			[{ artist: 'Nul\u0000' }, /control characters/],
			[{ year: 'old' }, /Year must be a number/],
			[{ year: 1999.5 }, /Year must be a whole number/],
			[{ trackNo: -1 }, /between 0 and 9999/],
			[{ year: 10_000 }, /between 0 and 9999/],
			[{ visibility: 'secret' }, /visibility/i],
			[{ ownerId: bob.userId }, /ownerId/],
			[[], /object/i],
			['"text"', /object/i]
		];
		for (const [body, message] of cases) {
			const res = await patch(alice, track.id, body);
			expect(res.status, JSON.stringify(body)).toBe(422);
			const { error } = await res.json();
			expect(error.code).toBe('VALIDATION');
			expect(error.message + JSON.stringify(error.issues)).toMatch(message);
			expect(error.issues.length).toBeGreaterThan(0);
		}
		// 300 characters (after trimming) is the limit, not past it.
		const ok = await patch(alice, track.id, { title: ` ${'y'.repeat(300)} ` });
		expect(ok.status).toBe(200);
		expect((await ok.json()).title).toHaveLength(300);

		expect((await patch(alice, track.id, '{"title":')).status).toBe(400);
		const text = await alice.call(`/api/v1/tracks/${track.id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'text/plain' },
			body: '{"title":"x"}'
		});
		expect(text.status).toBe(415);
		expect((await get(alice, track.id)).title).toBe('y'.repeat(300));
	});
});

describe('PUT /api/v1/tracks/:id/cover', () => {
	it('the owner replaces the blank cover; the bytes decide the type, sizes are bounded', async () => {
		const track = await uploadUntagged(alice, `cover_${word()}`);
		await waitProcessed(alice, track.id);
		expect((await get(alice, track.id)).coverUrl).toMatch(/v=placeholder/);

		// A PNG sent as "image/jpeg": accepted, the bytes are what counts.
		const png = await readFile(await makePng(dir, 400, 300));
		const res = await putCover(alice, track.id, png);
		expect(res.status).toBe(200);
		const updated = await res.json();
		expect(updated.coverUrl).not.toMatch(/placeholder/);
		const img = await alice.call(updated.coverUrl);
		expect(img.headers.get('content-type')).toBe('image/webp');

		for (const file of [await makeSvg(dir), await makeGif(dir, 64, 64)]) {
			const r = await putCover(alice, track.id, await readFile(file), 'image/png');
			expect(r.status).toBe(415);
			expect((await r.json()).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
		}
		expect((await putCover(alice, track.id, Buffer.from('not an image'))).status).toBe(415);
		expect((await putCover(alice, track.id, await readFile(await makeHugePng(dir)))).status).toBe(
			413
		);
		const tooBig = Buffer.concat([png, Buffer.alloc(15 * 1024 * 1024)]);
		const big = await putCover(alice, track.id, tooBig);
		expect(big.status).toBe(413);
		expect((await big.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
		expect((await putCover(alice, track.id, Buffer.alloc(0))).status).toBe(400);
		// None of the refusals touched the cover.
		expect((await get(alice, track.id)).coverUrl).toBe(updated.coverUrl);
	});

	it('others: 404 for a private track, 403 for a public one; cross-site refused', async () => {
		const track = await uploadUntagged(alice, `cover_others_${word()}`);
		const jpeg = await readFile(await makeJpeg(dir, 50, 50));
		expect((await putCover(bob, track.id, jpeg)).status).toBe(404);
		await patch(alice, track.id, { visibility: 'public' });
		expect((await putCover(bob, track.id, jpeg)).status).toBe(403);
		const cross = await alice.call(`/api/v1/tracks/${track.id}/cover`, {
			method: 'PUT',
			headers: { 'content-type': 'image/jpeg', origin: 'https://evil.example' },
			body: jpeg
		});
		expect(cross.status).toBe(403);
		const row = await testDb().track.findUniqueOrThrow({ where: { id: track.id } });
		expect(row.coverSha256).toBeNull();
	});
});

describe('the track page form actions', () => {
	it('update: the same rules as the API, for the owner only', async () => {
		const w = word();
		const track = await uploadUntagged(alice, `form_${w}`);
		const form = (fields: Record<string, string>) => {
			const f = new FormData();
			for (const [k, v] of Object.entries(fields)) f.set(k, v);
			return f;
		};
		const fields = {
			title: ` Form ${w} `,
			artist: 'Formed',
			album: '',
			albumArtist: '',
			genre: 'Jazz',
			year: '',
			trackNo: '3',
			visibility: 'private'
		};
		expect(await action(alice, track.id, 'update', form(fields))).toMatchObject({
			type: 'success'
		});
		expect(await get(alice, track.id)).toMatchObject({
			title: `Form ${w}`,
			artist: 'Formed',
			album: null,
			genre: 'Jazz',
			trackNo: 3,
			year: null
		});

		const bad = await action(
			alice,
			track.id,
			'update',
			form({ ...fields, title: 'x'.repeat(301) })
		);
		expect(bad).toMatchObject({ type: 'failure', status: 422 });
		expect(bad.data).toContain('Title must be at most 300 characters');
		const year = await action(alice, track.id, 'update', form({ ...fields, year: 'soon' }));
		expect(year).toMatchObject({ type: 'failure', status: 422 });

		const stranger = await action(bob, track.id, 'update', form({ ...fields, title: 'Hacked' }));
		expect(stranger).toMatchObject({ type: 'failure', status: 404 });
		expect((await get(alice, track.id)).title).toBe(`Form ${w}`);
	});

	it('cover: stores an image for the owner, refuses other files', async () => {
		const track = await uploadUntagged(alice, `form_cover_${word()}`);
		const cover = (data: Buffer, type: string, name: string) => {
			const f = new FormData();
			f.set('cover', new Blob([new Uint8Array(data)], { type }), name);
			return f;
		};
		const svg = await readFile(await makeSvg(dir));
		expect(
			await action(alice, track.id, 'cover', cover(svg, 'image/svg+xml', 'a.svg'))
		).toMatchObject({ type: 'failure', status: 415 });
		const jpeg = await readFile(await makeJpeg(dir, 120, 120));
		expect(await action(bob, track.id, 'cover', cover(jpeg, 'image/jpeg', 'a.jpg'))).toMatchObject({
			type: 'failure',
			status: 404
		});
		expect(
			await action(alice, track.id, 'cover', cover(jpeg, 'image/jpeg', 'a.jpg'))
		).toMatchObject({ type: 'success' });
		expect((await get(alice, track.id)).coverUrl).not.toMatch(/placeholder/);
	});
});

describe('OpenAPI', () => {
	it('documents the edit: its body with the limits, and the 422', async () => {
		const doc = await (await fetch(`${inject('webUrl')}/api/v1/openapi.json`)).json();
		const op = doc.paths['/api/v1/tracks/{id}'].patch;
		expect(Object.keys(op.responses)).toEqual(
			expect.arrayContaining(['200', '400', '403', '404', '415', '422'])
		);
		const body = op.requestBody.content['application/json'].schema;
		expect(body.additionalProperties).toBe(false);
		expect(body.properties.title).toMatchObject({ type: 'string', minLength: 1, maxLength: 300 });
		expect(body.properties.genre.anyOf).toEqual(
			expect.arrayContaining([expect.objectContaining({ maxLength: 100 })])
		);
		const cover = doc.paths['/api/v1/tracks/{id}/cover'].put;
		expect(Object.keys(cover.responses)).toEqual(
			expect.arrayContaining(['200', '403', '404', '413', '415'])
		);
	});
});
