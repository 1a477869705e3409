import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	id3ThenGarbage,
	makeAudio,
	makeJpeg,
	makeHugePng,
	makePng,
	makeSvg,
	polyglot,
	randomBytesFile,
	truncate,
	type AudioKind
} from '../../../tests/fixtures/audio.ts';
import {
	filesUnder,
	sha256File,
	signUp,
	testDb,
	waitProcessed,
	type Client
} from './tracks-client.ts';

let dir: string;
let alice: Client;
let bob: Client;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-tracks-'));
	[alice, bob] = await Promise.all([signUp(), signUp()]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const audioDir = () => join(inject('dataDir'), 'blobs', 'audio');
const uploadTemps = async () =>
	(await filesUnder(join(inject('dataDir'), 'tmp'))).filter((f) => f.startsWith('upload-'));

/** Runs `act` and asserts it left no temp file, audio blob or row behind. */
async function leavesNothing(act: () => Promise<void>) {
	const db = testDb();
	const before = {
		blobs: await filesUnder(audioDir()),
		tracks: await db.track.count(),
		rows: await db.blob.count()
	};
	await act();
	expect(await uploadTemps()).toEqual([]);
	expect(await filesUnder(audioDir())).toEqual(before.blobs);
	expect(await db.track.count()).toBe(before.tracks);
	expect(await db.blob.count()).toBe(before.rows);
}

const KINDS: { kind: AudioKind; codec: RegExp; mime: string }[] = [
	{ kind: 'mp3', codec: /MPEG 1 Layer 3/i, mime: 'audio/mpeg' },
	{ kind: 'flac', codec: /FLAC/i, mime: 'audio/flac' },
	{ kind: 'ogg-vorbis', codec: /Vorbis/i, mime: 'audio/ogg' },
	{ kind: 'ogg-opus', codec: /Opus/i, mime: 'audio/ogg' },
	{ kind: 'wav', codec: /PCM/i, mime: 'audio/wav' },
	{ kind: 'm4a', codec: /AAC/i, mime: 'audio/mp4' }
];

describe('upload: accepted formats', () => {
	it.each(KINDS)(
		'$kind uploads, parses, streams and gets a waveform',
		async ({ kind, codec, mime }) => {
			const file = await makeAudio(dir, kind, {
				seconds: 3,
				title: `Song ${kind}`,
				artist: 'The Testers',
				album: 'Fixtures',
				genre: 'Test',
				year: 2024,
				trackNo: 7
			});
			const res = await alice.upload(file, { filename: `whatever.bin`, type: 'text/plain' });
			expect(res.status).toBe(201);
			const track = await res.json();
			expect(track).toMatchObject({
				title: `Song ${kind}`,
				artist: 'The Testers',
				album: 'Fixtures',
				genre: 'Test',
				year: 2024,
				trackNo: 7,
				mimeType: mime,
				sizeBytes: (await stat(file)).size,
				sha256: await sha256File(file),
				visibility: 'private',
				ownerId: alice.userId
			});
			expect(track.codec).toMatch(codec);
			expect(track.durationMs).toBeGreaterThan(2_800);
			expect(track.durationMs).toBeLessThan(3_300);
			expect(track.sampleRate).toBeGreaterThan(0);
			expect(track.channels).toBeGreaterThan(0);
			expect(track.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
			expect(res.headers.get('location')).toBe(`/api/v1/tracks/${track.id}`);

			const audio = await alice.call(track.streamUrl);
			expect(audio.status).toBe(200);
			expect(audio.headers.get('content-type')).toBe(mime);
			expect(Buffer.from(await audio.arrayBuffer()).equals(await readFile(file))).toBe(true);

			const done = await waitProcessed(alice, track.id);
			expect(done.processingStatus).toBe('ready');
			const wf = await alice.call(track.waveformUrl);
			expect(wf.status).toBe(200);
			const { waveform } = await wf.json();
			expect(waveform.peaks.length).toBeGreaterThan(100);
			expect(Math.max(...waveform.peaks)).toBeGreaterThan(0.05);
		}
	);

	it('falls back to the file name and "Unknown artist" without tags', async () => {
		const file = await makeAudio(dir, 'mp3', { noTags: true });
		const res = await alice.upload(file, { filename: 'My_Great_Song.mp3' });
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({
			title: 'My Great Song',
			artist: 'Unknown artist',
			album: null
		});
	});

	it('uses the embedded cover, served as WebP in three sizes', async () => {
		const file = await makeAudio(dir, 'mp3', { cover: true, title: 'With cover' });
		const track = await (await alice.upload(file)).json();
		await waitProcessed(alice, track.id);
		const after = await (await alice.call(`/api/v1/tracks/${track.id}`)).json();
		expect(after.coverUrl).not.toBe(track.coverUrl); // the placeholder URL was replaced
		for (const size of ['sm', 'md', 'lg']) {
			const res = await alice.call(`/api/v1/tracks/${track.id}/cover?size=${size}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('image/webp');
			const bytes = Buffer.from(await res.arrayBuffer());
			expect(bytes.subarray(8, 12).toString()).toBe('WEBP');
		}
	});

	it('serves a placeholder cover when there is none', async () => {
		const track = await (await alice.upload(await makeAudio(dir, 'wav'))).json();
		const res = await alice.call(track.coverUrl);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/webp');
		expect((await alice.call(`/api/v1/tracks/${track.id}/cover?size=huge`)).status).toBe(400);
	});
});

describe('upload: rejections leave nothing behind', () => {
	const reject = async (file: string, status: number, code: string, opts = {}) =>
		leavesNothing(async () => {
			const res = await alice.upload(file, opts);
			const body = await res.json();
			expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
			expect(body.error.message).toEqual(expect.any(String));
		});

	it('415 for bytes that are not audio, whatever the name and type claim', async () => {
		await reject(await randomBytesFile(dir, 50_000), 415, 'UNSUPPORTED_MEDIA_TYPE', {
			filename: 'song.mp3',
			type: 'audio/mpeg'
		});
		await reject(await makePng(dir, 64, 64), 415, 'UNSUPPORTED_MEDIA_TYPE', {
			filename: 'cover.flac'
		});
		const text = join(dir, 'notes.mp3');
		await writeFile(text, 'just some text pretending to be an mp3\n'.repeat(100));
		await reject(text, 415, 'UNSUPPORTED_MEDIA_TYPE', { type: 'audio/mpeg' });
	});

	it.each(['mp3', 'flac', 'ogg-vorbis', 'wav', 'm4a'] as AudioKind[])(
		'422 for a truncated %s',
		async (kind) => {
			const file = await makeAudio(dir, kind, { seconds: 6 });
			await reject(await truncate(file, 0.5), 422, 'UNPROCESSABLE');
		}
	);

	it('422 for garbage after an ID3 header', async () => {
		await reject(await id3ThenGarbage(dir), 422, 'UNPROCESSABLE');
	});

	it('rejects a polyglot file (415 or 422, never stored)', async () => {
		await leavesNothing(async () => {
			const res = await alice.upload(await polyglot(dir, 'png+mp3'));
			expect([415, 422]).toContain(res.status);
		});
	});

	it('413 from Content-Length before reading the body', async () => {
		const max = inject('uploadMaxBytes');
		await leavesNothing(async () => {
			// A declared length over the limit is refused without sending the body.
			const res = await alice
				.call('/api/v1/tracks', {
					method: 'POST',
					headers: {
						'content-type': 'multipart/form-data; boundary=x',
						'content-length': String(max * 2)
					},
					body: 'x'.repeat(10)
				})
				.catch((e: Error) => e);
			if (res instanceof Response) {
				expect(res.status).toBe(413);
				expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
			}
		});
	});

	it('413 as soon as a streamed body without Content-Length crosses the limit', async () => {
		const max = inject('uploadMaxBytes');
		const big = await makeAudio(dir, 'wav', { seconds: Math.ceil(max / 176_400) + 2 });
		expect((await stat(big)).size).toBeGreaterThan(max);
		await leavesNothing(async () => {
			const boundary = 'chorusboundary';
			const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n\r\n`;
			const data = await readFile(big);
			let sent = 0;
			const body = new ReadableStream({
				start(controller) {
					controller.enqueue(new TextEncoder().encode(head));
				},
				pull(controller) {
					if (sent >= data.length) {
						controller.enqueue(new TextEncoder().encode(`\r\n--${boundary}--\r\n`));
						controller.close();
						return;
					}
					const chunk = data.subarray(sent, sent + 256 * 1024);
					sent += chunk.length;
					controller.enqueue(chunk);
				}
			});
			const res = await alice
				.call('/api/v1/tracks', {
					method: 'POST',
					headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
					body,
					duplex: 'half'
				} as RequestInit)
				.catch((e: Error) => e);
			// The server may answer 413 and close before the client finished sending.
			if (res instanceof Response) {
				expect(res.status).toBe(413);
				expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
			}
			await new Promise((r) => setTimeout(r, 300));
		});
	});

	it('400 without a "file" field, 415 when not multipart, 401 when signed out', async () => {
		const file = await makeAudio(dir, 'mp3');
		await leavesNothing(async () => {
			const res = await alice.upload(file, { field: 'audio' });
			expect(res.status).toBe(400);
			expect((await res.json()).error.code).toBe('VALIDATION');
			const raw = await alice.call('/api/v1/tracks', {
				method: 'POST',
				headers: { 'content-type': 'audio/mpeg' },
				body: await readFile(file)
			});
			expect(raw.status).toBe(415);
			const anon = await fetch(`${inject('webUrl')}/api/v1/tracks`, {
				method: 'POST',
				headers: { origin: inject('webUrl') },
				body: new FormData()
			});
			expect(anon.status).toBe(401);
		});
	});
});

describe('content-addressed storage', () => {
	it('stores identical bytes once, for several users and concurrent uploads', async () => {
		const file = await makeAudio(dir, 'flac', { title: 'Shared' });
		const sha = await sha256File(file);
		const results = await Promise.all([alice, bob, alice, bob, alice].map((c) => c.upload(file)));
		expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
		const ids = await Promise.all(results.map(async (r) => (await r.json()).id));
		expect(new Set(ids).size).toBe(5);
		expect(await testDb().blob.count({ where: { sha256: sha } })).toBe(1);
		expect((await filesUnder(audioDir())).filter((f) => f === sha)).toEqual([sha]);

		// Deleting all but one keeps the bytes; deleting the last removes them.
		const owners = [alice, bob, alice, bob, alice];
		for (let i = 0; i < 4; i++)
			expect((await owners[i]!.call(`/api/v1/tracks/${ids[i]}`, { method: 'DELETE' })).status).toBe(
				204
			);
		expect(await filesUnder(audioDir())).toContain(sha);
		expect((await alice.call(`/api/v1/tracks/${ids[4]}/stream`)).status).toBe(200);
		expect((await alice.call(`/api/v1/tracks/${ids[4]}`, { method: 'DELETE' })).status).toBe(204);
		expect(await filesUnder(audioDir())).not.toContain(sha);
		expect(await testDb().blob.count({ where: { sha256: sha } })).toBe(0);
	});
});

describe('metadata, visibility and authorization', () => {
	let id: string;
	beforeAll(async () => {
		id = (
			await (await alice.upload(await makeAudio(dir, 'ogg-opus', { title: 'Private one' }))).json()
		).id;
	});

	it('private tracks are invisible to others: 404 exactly like a missing one', async () => {
		for (const path of [
			`/api/v1/tracks/${id}`,
			`/api/v1/tracks/${id}/stream`,
			`/api/v1/tracks/${id}/waveform`
		]) {
			const res = await bob.call(path);
			expect(res.status).toBe(404);
			expect(await res.json()).toEqual(
				await (await bob.call(path.replace(id, crypto.randomUUID()))).json()
			);
		}
		expect((await bob.call('/api/v1/tracks/not-a-uuid')).status).toBe(404);
		expect((await fetch(`${inject('webUrl')}/api/v1/tracks/${id}/stream`)).status).toBe(401);
	});

	it('the uploader edits metadata and visibility; others cannot', async () => {
		const patch = (c: Client, body: unknown) =>
			c.call(`/api/v1/tracks/${id}`, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		expect((await patch(bob, { title: 'Hacked' })).status).toBe(404);
		const ok = await patch(alice, {
			title: '  Renamed ',
			album: '',
			genre: 'Jazz',
			year: 1999,
			visibility: 'public'
		});
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({
			title: 'Renamed',
			album: null,
			genre: 'Jazz',
			year: 1999,
			visibility: 'public'
		});
		// Public now: others can see and stream it, but still not change or delete it.
		expect((await bob.call(`/api/v1/tracks/${id}/stream`)).status).toBe(200);
		expect((await patch(bob, { title: 'Hacked' })).status).toBe(403);
		expect((await bob.call(`/api/v1/tracks/${id}`, { method: 'DELETE' })).status).toBe(403);
		for (const bad of [
			{},
			{ title: '' },
			{ year: 'old' },
			{ visibility: 'secret' },
			{ owner: 'x' }
		]) {
			const res = await patch(alice, bad);
			// Well-formed JSON with values that cannot be accepted.
			expect(res.status).toBe(422);
			expect((await res.json()).error.code).toBe('VALIDATION');
		}
		expect((await (await alice.call(`/api/v1/tracks/${id}`)).json()).title).toBe('Renamed');
	});

	it('lists my uploads', async () => {
		const res = await alice.call('/api/v1/tracks');
		expect(res.status).toBe(200);
		const { tracks } = await res.json();
		expect(tracks.some((t: { id: string }) => t.id === id)).toBe(true);
		expect(tracks.every((t: { ownerId: string }) => t.ownerId === alice.userId)).toBe(true);
	});

	it('replaces the cover with an uploaded image; rejects other formats and huge images', async () => {
		const put = (c: Client, file: string) =>
			readFile(file).then((body) =>
				c.call(`/api/v1/tracks/${id}/cover`, {
					method: 'PUT',
					body,
					// The claimed type is irrelevant (the bytes decide) but a body needs one.
					headers: { 'content-type': 'image/jpeg' }
				})
			);
		const res = await put(alice, await makeJpeg(dir, 800, 500));
		expect(res.status).toBe(200);
		const track = await res.json();
		expect(track.coverUrl).not.toMatch(/placeholder/);
		const img = await alice.call(track.coverUrl);
		expect(img.headers.get('content-type')).toBe('image/webp');
		expect((await put(alice, await makeSvg(dir))).status).toBe(415);
		expect((await put(alice, await randomBytesFile(dir, 1000))).status).toBe(415);
		expect((await put(alice, await makeHugePng(dir))).status).toBe(413);
		expect((await put(bob, await makeJpeg(dir, 50, 50))).status).toBe(403);
		const empty = await alice.call(`/api/v1/tracks/${id}/cover`, { method: 'PUT' });
		expect(empty.status).toBe(400);
	});
});

describe('Range streaming', () => {
	let url: string;
	let bytes: Buffer;
	let size: number;
	let etag: string;
	beforeAll(async () => {
		const file = await makeAudio(dir, 'flac', { seconds: 4 });
		bytes = await readFile(file);
		size = bytes.length;
		const track = await (await alice.upload(file)).json();
		url = track.streamUrl;
		etag = `"${track.sha256}"`;
	});
	const get = (headers: Record<string, string>, method = 'GET') =>
		alice.call(url, { method, headers });

	it('200 with validators and hardening headers', async () => {
		const res = await get({});
		expect(res.status).toBe(200);
		expect(res.headers.get('accept-ranges')).toBe('bytes');
		expect(res.headers.get('etag')).toBe(etag);
		expect(res.headers.get('content-length')).toBe(String(size));
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		await res.arrayBuffer();
	});

	it.each([
		['bytes=0-0', 0, 0],
		['bytes=100-199', 100, 199],
		['bytes=-500', -500, -1],
		['bytes=1000-', 1000, -1],
		['bytes=-99999999999999', 0, -1],
		['bytes=0-99999999999', 0, -1],
		['bytes=10-19, 40-49', 10, 19]
	])('206 for %s', async (range, from, to) => {
		const start = from < 0 ? size + from : from;
		const end = to < 0 ? size - 1 : to;
		const res = await get({ range });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
		expect(res.headers.get('content-length')).toBe(String(end - start + 1));
		expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
	});

	it.each(['bytes=SIZE-', 'bytes=10-5', 'garbage', 'bytes=', 'bytes=abc-def', 'bytes=SIZE-SIZE'])(
		'416 for %s',
		async (raw) => {
			const res = await get({ range: raw.replaceAll('SIZE', String(size)) });
			expect(res.status).toBe(416);
			expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
			expect((await res.json()).error.code).toBe('RANGE_NOT_SATISFIABLE');
		}
	);

	it('ignores ranges of other units', async () => {
		const res = await get({ range: 'items=0-5' });
		expect(res.status).toBe(200);
		await res.arrayBuffer();
	});

	it('304 for a matching If-None-Match; If-Range decides between 206 and 200', async () => {
		expect((await get({ 'if-none-match': etag })).status).toBe(304);
		expect((await get({ 'if-none-match': `"other", ${etag}` })).status).toBe(304);
		const partial = await get({ range: 'bytes=0-9', 'if-range': etag });
		expect(partial.status).toBe(206);
		await partial.arrayBuffer();
		const full = await get({ range: 'bytes=0-9', 'if-range': '"stale"' });
		expect(full.status).toBe(200);
		expect(Number(full.headers.get('content-length'))).toBe(size);
		await full.arrayBuffer();
	});

	it('HEAD gives the headers without a body', async () => {
		const res = await get({ range: 'bytes=5-14' }, 'HEAD');
		expect(res.status).toBe(206);
		expect(res.headers.get('content-length')).toBe('10');
		expect((await res.arrayBuffer()).byteLength).toBe(0);
	});
});
