import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3rver, type StartedS3rver } from '../../../tests/s3rver.ts';
import {
	createBlobStore,
	createLocalStore,
	createS3Store,
	type BlobStore
} from '../src/lib/server/storage/index.ts';

// Sources listed here fail their first rename with EXDEV, as if the temp dir were another disk.
const crossDevice = vi.hoisted(() => new Set<string>());
vi.mock('node:fs/promises', async (importOriginal) => {
	const fs = await importOriginal<typeof import('node:fs/promises')>();
	const rename: typeof fs.rename = async (from, to) => {
		if (crossDevice.delete(String(from))) {
			throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
		}
		return fs.rename(from, to);
	};
	return { ...fs, default: { ...fs, rename }, rename };
});

const MiB = 1024 * 1024;
const execFileAsync = promisify(execFile);

interface Harness {
	store: BlobStore;
	root?: string;
	s3?: StartedS3rver;
	stop(): Promise<void>;
}

async function startLocal(): Promise<Harness> {
	const root = await mkdtemp(join(tmpdir(), 'chorus-blobs-'));
	return {
		store: createLocalStore(join(root, 'blobs')),
		root: join(root, 'blobs'),
		stop: () => rm(root, { recursive: true, force: true })
	};
}

async function startS3(): Promise<Harness> {
	const s3 = await startS3rver();
	return {
		store: createS3Store({ ...s3, forcePathStyle: true }),
		s3,
		stop: () => s3.stop()
	};
}

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

async function sha256Of(stream: Readable): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of stream) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

// Streaming measures ~1-6 MiB here and one whole-file buffer ~50 MiB; this sits in between.
const MAX_UPLOAD_RSS_GROWTH_MIB = 25;

/**
 * Runs one S3 putFile in a fresh Node process (the fake S3 stays here) and samples its RSS. In
 * this process RSS says little: memory freed by earlier tests gets reused.
 */
async function measureUpload(
	s3: StartedS3rver,
	files: { warmup: string; path: string; key: string }
): Promise<{ before: number; peak: number }> {
	const script = `
		const [modUrl, optsJson, warmup, path, key] = process.argv.slice(1);
		const { createS3Store } = await import(modUrl);
		const store = createS3Store(JSON.parse(optsJson));
		await store.putFile('warmup/upload', warmup, 'application/octet-stream'); // loads lazy code
		globalThis.gc();
		const before = process.memoryUsage.rss();
		let peak = before;
		const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
		// Young-generation GCs as we go: otherwise V8 lets ~50 MB of spent read chunks pile up
		// before collecting them, and RSS grows about as much as if the file were buffered.
		const timer = setInterval(() => {
			globalThis.gc({ type: 'minor' });
			sample();
		}, 5);
		await store.putFile(key, path, 'audio/wav');
		clearInterval(timer);
		sample();
		process.stdout.write(JSON.stringify({ before, peak }));
		process.exit(0); // the SDK keeps sockets alive
	`;
	const opts = { ...s3, forcePathStyle: true };
	const modUrl = new URL('../src/lib/server/storage/s3.ts', import.meta.url).href;
	const { stdout } = await execFileAsync(
		process.execPath,
		[
			'--expose-gc',
			'--input-type=module',
			'-e',
			script,
			modUrl,
			JSON.stringify(opts),
			files.warmup,
			files.path,
			files.key
		],
		{ maxBuffer: 1024 * 1024 }
	);
	return JSON.parse(stdout) as { before: number; peak: number };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const uniqueKey = (prefix = 'audio') => `${prefix}/${randomBytes(16).toString('hex')}`;

describe.each([
	{ driver: 'local', start: startLocal },
	{ driver: 's3', start: startS3 }
])('BlobStore contract: $driver', ({ start }) => {
	let h: Harness;
	let work: string;
	let seq = 0;
	const tempPath = () => join(work, `upload-${seq++}`);

	/** A fresh temp file with `data`, as an upload would leave it. */
	async function tempFile(data: Uint8Array): Promise<string> {
		const path = tempPath();
		await writeFile(path, data);
		return path;
	}

	beforeAll(async () => {
		work = await mkdtemp(join(tmpdir(), 'chorus-uploads-'));
		h = await start();
	});

	afterAll(async () => {
		await h?.stop();
		await rm(work, { recursive: true, force: true });
	});

	it('round-trips a multi-MB file and removes the temp file', async () => {
		// Odd size so nothing lines up with stream chunk boundaries by luck.
		const data = randomBytes(6 * MiB + 12_345);
		const path = await tempFile(data);
		const key = uniqueKey();

		await h.store.putFile(key, path, 'audio/flac');

		expect(existsSync(path)).toBe(false);
		expect(await h.store.stat(key)).toEqual({ size: data.length });
		expect(await sha256Of(await h.store.read(key))).toBe(sha256(data));
	});

	it('serves inclusive byte ranges', async () => {
		const data = randomBytes(3 * MiB + 7);
		const key = uniqueKey();
		await h.store.putFile(key, await tempFile(data), 'audio/mpeg');
		const last = data.length - 1;

		const cases = [
			{ start: 0, end: 0 },
			{ start: 1_000_000, end: 2_345_678 },
			{ start: last, end: last },
			{ start: 0, end: last }
		];
		for (const range of cases) {
			const got = await readAll(await h.store.read(key, range));
			expect(got.length, `${range.start}-${range.end}`).toBe(range.end - range.start + 1);
			expect(got.equals(data.subarray(range.start, range.end + 1))).toBe(true);
		}

		// As in HTTP: an end past the object is clamped, a start past it is unsatisfiable.
		const tail = await readAll(await h.store.read(key, { start: last - 9, end: last + 1000 }));
		expect(tail.equals(data.subarray(last - 9))).toBe(true);
		await expect(
			h.store.read(key, { start: data.length, end: data.length + 5 })
		).rejects.toMatchObject({ code: 'ERANGE' });
		await expect(h.store.read(key, { start: 10, end: 5 })).rejects.toThrow(RangeError);
	});

	it('stat returns the size, or null for a missing key', async () => {
		const key = uniqueKey('covers');
		await h.store.putBuffer(key, new Uint8Array(1234), 'image/webp');
		expect(await h.store.stat(key)).toEqual({ size: 1234 });
		expect(await h.store.stat(uniqueKey())).toBeNull();
		// A key that is only a "directory" of other keys is not an object.
		expect(await h.store.stat('covers')).toBeNull();
	});

	it('rejects reading a missing key with code ENOENT', async () => {
		await expect(h.store.read(uniqueKey())).rejects.toMatchObject({ code: 'ENOENT' });
		await expect(h.store.read(uniqueKey(), { start: 0, end: 10 })).rejects.toMatchObject({
			code: 'ENOENT'
		});
	});

	it('deletes objects, and deleting a missing key is fine', async () => {
		const key = uniqueKey();
		await h.store.putBuffer(key, Buffer.from('bye'), 'text/plain');
		await h.store.delete(key);
		expect(await h.store.stat(key)).toBeNull();
		await expect(h.store.read(key)).rejects.toMatchObject({ code: 'ENOENT' });
		await expect(h.store.delete(key)).resolves.toBeUndefined();
		await expect(h.store.delete(uniqueKey())).resolves.toBeUndefined();
	});

	it('putBuffer stores small objects and replaces existing ones', async () => {
		const key = `covers/${randomBytes(32).toString('hex')}/256.webp`;
		const first = randomBytes(40_000);
		await h.store.putBuffer(key, first, 'image/webp');
		expect((await readAll(await h.store.read(key))).equals(first)).toBe(true);

		const second = new Uint8Array(randomBytes(100));
		await h.store.putBuffer(key, second, 'image/webp');
		expect(await h.store.stat(key)).toEqual({ size: 100 });
		expect((await readAll(await h.store.read(key))).equals(second)).toBe(true);
	});

	it('lets 10 concurrent putFile calls of the same key all succeed', async () => {
		const data = randomBytes(2 * MiB + 3);
		const paths = await Promise.all(Array.from({ length: 10 }, () => tempFile(data)));
		const key = uniqueKey();

		const results = await Promise.allSettled(
			paths.map((p) => h.store.putFile(key, p, 'audio/ogg'))
		);

		expect(results.map((r) => r.status)).toEqual(Array(10).fill('fulfilled'));
		for (const p of paths) expect(existsSync(p)).toBe(false);
		expect(await h.store.stat(key)).toEqual({ size: data.length });
		expect(await sha256Of(await h.store.read(key))).toBe(sha256(data));
	});

	it.each(['../etc/passwd', '/abs', 'A B', 'audio/../../x', 'audio//x', 'audio/', '', 'audio/.x'])(
		'rejects the bad key %j in every method',
		async (key) => {
			const path = await tempFile(Buffer.from('data'));
			await expect(h.store.putFile(key, path, 'audio/flac')).rejects.toThrow(/key/i);
			expect(existsSync(path)).toBe(true); // untouched, so the caller can still discard it
			await expect(h.store.putBuffer(key, Buffer.from('x'), 'text/plain')).rejects.toThrow(/key/i);
			await expect(h.store.stat(key)).rejects.toThrow(/key/i);
			await expect(h.store.read(key)).rejects.toThrow(/key/i);
			await expect(h.store.delete(key)).rejects.toThrow(/key/i);
			await rm(path);
		}
	);
});

describe('local store specifics', () => {
	let h: Harness;
	let work: string;

	beforeAll(async () => {
		work = await mkdtemp(join(tmpdir(), 'chorus-uploads-'));
		h = await startLocal();
	});

	afterAll(async () => {
		await h.stop();
		await rm(work, { recursive: true, force: true });
	});

	it('falls back to copy + rename inside the store when the temp file is on another device', async () => {
		const data = randomBytes(MiB + 1);
		const path = join(work, 'cross-device');
		await writeFile(path, data);
		crossDevice.add(path);
		const key = uniqueKey();

		await h.store.putFile(key, path, 'audio/flac');

		expect(crossDevice.has(path)).toBe(false); // the EXDEV path was really taken
		expect(existsSync(path)).toBe(false);
		expect((await readFile(join(h.root!, key))).equals(data)).toBe(true);
		expect(await readdir(join(h.root!, 'audio'))).toEqual([key.slice('audio/'.length)]);
	});

	it('leaves no temp files behind', async () => {
		const key = `covers/${randomBytes(8).toString('hex')}/64.webp`;
		await Promise.all(
			Array.from({ length: 10 }, () => h.store.putBuffer(key, randomBytes(5000), 'image/webp'))
		);
		expect(await readdir(join(h.root!, key, '..'))).toEqual(['64.webp']);
	});

	it('keeps bad keys inside the root', async () => {
		await expect(h.store.putBuffer('../escaped', Buffer.from('x'), 'text/plain')).rejects.toThrow();
		expect(existsSync(join(h.root!, '..', 'escaped'))).toBe(false);
	});
});

describe('S3 store specifics', () => {
	let h: Harness;
	let work: string;

	beforeAll(async () => {
		work = await mkdtemp(join(tmpdir(), 'chorus-uploads-'));
		h = await startS3();
	});

	afterAll(async () => {
		await h?.stop();
		await rm(work, { recursive: true, force: true });
	});

	it('streams a ~50 MB upload without holding it in memory', async () => {
		const size = 50 * MiB;
		const path = join(work, 'big');
		const hash = createHash('sha256');
		async function* chunks() {
			for (let left = size; left > 0; left -= 256 * 1024) {
				const chunk = randomBytes(Math.min(256 * 1024, left));
				hash.update(chunk);
				yield chunk;
			}
		}
		await pipeline(Readable.from(chunks()), createWriteStream(path));
		const warmup = join(work, 'warmup');
		await writeFile(warmup, randomBytes(64 * 1024));
		const key = uniqueKey();

		const { before, peak } = await measureUpload(h.s3!, { warmup, path, key });

		expect(existsSync(path)).toBe(false);
		expect(await h.store.stat(key)).toEqual({ size });
		expect(await sha256Of(await h.store.read(key))).toBe(hash.digest('hex'));
		expect(before).toBeGreaterThan(10 * MiB); // the child really measured something
		expect((peak - before) / MiB, 'RSS growth, MiB').toBeLessThan(MAX_UPLOAD_RSS_GROWTH_MIB);
	});

	it('retries an upload after a transient server error, with a fresh stream', async () => {
		const data = randomBytes(MiB);
		const path = join(work, 'retry');
		await writeFile(path, data);
		const key = uniqueKey();
		const failedBefore = h.s3!.failedPuts();
		h.s3!.failPuts(2, 503);

		await h.store.putFile(key, path, 'audio/flac');

		expect(h.s3!.failedPuts() - failedBefore).toBe(2);
		expect(existsSync(path)).toBe(false);
		expect((await readAll(await h.store.read(key))).equals(data)).toBe(true);
	});

	it('does not retry a permanent error and keeps the temp file', async () => {
		const path = join(work, 'denied');
		await writeFile(path, randomBytes(1000));
		const failedBefore = h.s3!.failedPuts();
		h.s3!.failPuts(1, 403);

		await expect(h.store.putFile(uniqueKey(), path, 'audio/flac')).rejects.toMatchObject({
			$metadata: { httpStatusCode: 403 }
		});
		expect(h.s3!.failedPuts() - failedBefore).toBe(1);
		expect(existsSync(path)).toBe(true);
	});
});

describe('createBlobStore', () => {
	it('defaults to the local driver at STORAGE_DIR', () => {
		expect(createBlobStore({ STORAGE_DIR: '/tmp/x' }).kind).toBe('local');
		expect(createBlobStore({ STORAGE_DRIVER: 'local', STORAGE_DIR: '/tmp/x' }).kind).toBe('local');
		expect(() => createBlobStore({ STORAGE_DRIVER: 'local' })).toThrow(/STORAGE_DIR/);
	});

	it('builds an S3 store and names every missing S3_* variable', () => {
		const s3 = {
			STORAGE_DRIVER: 's3',
			S3_ENDPOINT: 'http://127.0.0.1:9000',
			S3_REGION: 'us-east-1',
			S3_BUCKET: 'chorus',
			S3_ACCESS_KEY_ID: 'key',
			S3_SECRET_ACCESS_KEY: 'secret',
			S3_FORCE_PATH_STYLE: 'true'
		};
		expect(createBlobStore(s3).kind).toBe('s3');
		expect(() =>
			createBlobStore({ ...s3, S3_BUCKET: undefined, S3_SECRET_ACCESS_KEY: '' })
		).toThrow(/S3_BUCKET, S3_SECRET_ACCESS_KEY/);
		expect(() => createBlobStore({ ...s3, S3_FORCE_PATH_STYLE: 'yes' })).toThrow(
			/S3_FORCE_PATH_STYLE/
		);
		expect(() => createBlobStore({ STORAGE_DRIVER: 'ftp', STORAGE_DIR: '/tmp/x' })).toThrow(
			/STORAGE_DRIVER/
		);
	});
});
