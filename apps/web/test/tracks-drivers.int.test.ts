import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { startS3rver, type StartedS3rver } from '../../../tests/s3rver.ts';
import { startWeb } from '../../../tests/servers.ts';
import { createDb, type Db } from '@chorus/db';
import { dbmate } from '../../../scripts/lib/migrate.ts';
import { testDatabase, type Database } from '../../../scripts/lib/postgres.ts';
import {
	filesUnder,
	sha256File,
	signUp,
	testDb,
	waitProcessed,
	type Client
} from './tracks-client.ts';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-drivers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Its own web server (the shared database unless env says otherwise) with extra settings. */
/** The web app's settings for the s3 driver on this bucket. */
function s3Env(s3: StartedS3rver): Record<string, string> {
	return {
		STORAGE_DRIVER: 's3',
		S3_ENDPOINT: s3.endpoint,
		S3_BUCKET: s3.bucket,
		S3_REGION: s3.region,
		S3_ACCESS_KEY_ID: s3.accessKeyId,
		S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
		S3_FORCE_PATH_STYLE: 'true'
	};
}

async function webWith(env: Record<string, string>) {
	const dataDir = await mkdtemp(join(tmpdir(), 'chorus-web-data-'));
	const web = await startWeb({
		DATABASE_URL: inject('databaseUrl'),
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1',
		RATE_LIMIT_NAMESPACE: `drivers-${process.pid}-${Date.now()}`,
		DATA_DIR: dataDir,
		// Background processing belongs to the shared server in these tests.
		MEDIA_WORKER: 'false',
		...env
	});
	return {
		web,
		dataDir,
		async stop() {
			await web.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}

describe('per-user storage quota', () => {
	let server: Awaited<ReturnType<typeof webWith>>;
	let user: Client;
	beforeAll(async () => {
		server = await webWith({ USER_QUOTA_BYTES: String(400_000) });
		user = await signUp(server.web.url);
	});
	afterAll(() => server?.stop());

	it('413 QUOTA_EXCEEDED once the uploads would pass the quota, leaving nothing behind', async () => {
		const file = await makeAudio(dir, 'wav', { seconds: 1 }); // ~176 KB
		expect((await user.upload(file)).status).toBe(201);
		expect(
			(await user.upload(await makeAudio(dir, 'wav', { seconds: 1, frequencyHz: 330 }))).status
		).toBe(201);
		const third = await makeAudio(dir, 'wav', { seconds: 1, frequencyHz: 550 });
		const before = await testDb().track.count({ where: { ownerId: user.userId } });
		const res = await user.upload(third);
		expect(res.status).toBe(413);
		expect((await res.json()).error.code).toBe('QUOTA_EXCEEDED');
		expect(await testDb().track.count({ where: { ownerId: user.userId } })).toBe(before);
		expect(await testDb().blob.count({ where: { sha256: await sha256File(third) } })).toBe(0);
		expect(await filesUnder(join(server.dataDir, 'tmp'))).toEqual([]);
	});
});

describe('S3 storage driver (s3rver)', () => {
	let s3: StartedS3rver;
	let server: Awaited<ReturnType<typeof webWith>>;
	let user: Client;
	// Its own database, so its own background worker (reading audio back from S3) processes its
	// uploads, and no local-disk worker of the shared server picks them up.
	let database: Database;
	let db: Db;
	beforeAll(async () => {
		database = await testDatabase('s3');
		await dbmate(database.url, ['up'], true);
		db = createDb(database.url, { poolSize: 2 });
		s3 = await startS3rver('chorus-test');
		server = await webWith({
			DATABASE_URL: database.url,
			MEDIA_WORKER: 'true',
			...s3Env(s3)
		});
		user = await signUp(server.web.url);
	});
	afterAll(async () => {
		await server?.stop();
		await s3?.stop();
		await db?.$disconnect();
		await database?.stop();
	});

	it('uploads to S3, processes from S3 and streams ranges from it', async () => {
		const file = await makeAudio(dir, 'mp3', { seconds: 3, title: 'On S3', cover: true });
		const bytes = await readFile(file);
		const res = await user.upload(file);
		expect(res.status).toBe(201);
		const track = await res.json();
		// The worker copies the audio back from S3 to decode it, then removes the copy.
		expect((await waitProcessed(user, track.id)).processingStatus).toBe('ready');
		const wf = await user.call(track.waveformUrl);
		expect(wf.status).toBe(200);
		expect((await wf.json()).waveform.peaks.length).toBeGreaterThan(100);
		const processed = await (await user.call(`/api/v1/tracks/${track.id}`)).json();
		expect(processed.coverUrl).not.toMatch(/placeholder/);
		// Nothing stays on local disk: audio and covers live in S3, temp files are gone.
		expect(await filesUnder(join(server.dataDir, 'blobs'))).toEqual([]);
		expect(await filesUnder(join(server.dataDir, 'tmp'))).toEqual([]);

		const full = await user.call(track.streamUrl);
		expect(full.status).toBe(200);
		expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
		const part = await user.call(track.streamUrl, { headers: { range: 'bytes=-100' } });
		expect(part.status).toBe(206);
		expect(part.headers.get('content-range')).toBe(
			`bytes ${bytes.length - 100}-${bytes.length - 1}/${bytes.length}`
		);
		expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(-100))).toBe(true);
		const bad = await user.call(track.streamUrl, { headers: { range: `bytes=${bytes.length}-` } });
		expect(bad.status).toBe(416);

		expect((await user.call(`/api/v1/tracks/${track.id}`, { method: 'DELETE' })).status).toBe(204);
		expect((await user.call(track.streamUrl)).status).toBe(404);
	});

	it('STREAM_S3_REDIRECT: an authorised request gets a 302 to a presigned URL S3 serves', async () => {
		const file = await makeAudio(dir, 'mp3', { seconds: 2, title: 'Presigned', frequencyHz: 523 });
		const bytes = await readFile(file);
		const res = await user.upload(file);
		expect(res.status).toBe(201);
		const track = await res.json();
		// A second web process on the same database and bucket, handing the bytes to S3.
		const redirecting = await webWith({
			DATABASE_URL: database.url,
			...s3Env(s3),
			STREAM_S3_REDIRECT: 'true'
		});
		try {
			const url = redirecting.web.url + track.streamUrl;
			const redirect = await fetch(url, { headers: { cookie: user.cookie }, redirect: 'manual' });
			expect(redirect.status).toBe(302);
			expect(redirect.headers.get('cache-control')).toBe('private, no-store');
			const location = new URL(redirect.headers.get('location')!);
			expect(location.origin).toBe(new URL(s3.endpoint).origin);
			expect(location.pathname).toBe(`/${s3.bucket}/audio/${track.sha256}`);
			expect(location.searchParams.get('X-Amz-Expires')).toBe('600');
			expect(location.searchParams.get('response-content-type')).toBe('audio/mpeg');
			expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

			// S3 answers the range itself, with the content type the URL asked for.
			const part = await fetch(location, { headers: { range: 'bytes=100-1099' } });
			expect(part.status).toBe(206);
			expect(part.headers.get('content-type')).toBe('audio/mpeg');
			expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
			// s3rver does not check query signatures (real S3 and MinIO refuse a changed
			// response-content-type or an expired URL), so only the signed parameters are checked.
			expect(location.searchParams.get('X-Amz-SignedHeaders')).toBe('host');

			// Authorisation and 304 come first, exactly as on the direct path.
			const stranger = await signUp(redirecting.web.url);
			const hidden = await fetch(url, { headers: { cookie: stranger.cookie }, redirect: 'manual' });
			expect(hidden.status).toBe(404);
			expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
			const cached = await fetch(url, {
				headers: { cookie: user.cookie, 'if-none-match': `"${track.sha256}"` },
				redirect: 'manual'
			});
			expect(cached.status).toBe(304);
		} finally {
			await redirecting.stop();
		}
	});

	it('a failing S3 write answers an error and leaves no row and no temp file', async () => {
		const file = await makeAudio(dir, 'mp3', { seconds: 2, title: 'S3 down' });
		const sha = await sha256File(file);
		s3.failPuts(5);
		const res = await user.upload(file);
		expect(res.status).toBeGreaterThanOrEqual(500);
		expect((await res.json()).error.code).toEqual(expect.any(String));
		expect(await db.blob.count({ where: { sha256: sha } })).toBe(0);
		expect(await db.track.count({ where: { blobSha256: sha } })).toBe(0);
		expect(await filesUnder(join(server.dataDir, 'tmp'))).toEqual([]);
		s3.failPuts(0);
		// And it works again once S3 recovers.
		expect((await user.upload(file)).status).toBe(201);
	});
});

describe('background processing survives a dead worker', () => {
	let server: Awaited<ReturnType<typeof webWith>>;
	let user: Client;
	beforeAll(async () => {
		// Shares the blob store with the main server, but runs no worker of its own.
		server = await webWith({ DATA_DIR: inject('dataDir') });
		user = await signUp(server.web.url);
	});
	afterAll(() => server?.web.stop());

	it('a job whose worker died is picked up again; a live lease is left alone', async () => {
		const db = testDb();
		const upload = async (freq: number) =>
			(await (
				await user.upload(await makeAudio(dir, 'flac', { seconds: 2, frequencyHz: freq }))
			).json()) as {
				id: string;
			};
		const crashed = await upload(311);
		const busy = await upload(313);
		// As if a worker claimed both: one died 10 minutes ago, the other is still working.
		await db.track.update({
			where: { id: crashed.id },
			data: { processingAttempts: 1, processingStartedAt: new Date(Date.now() - 10 * 60_000) }
		});
		await db.track.update({
			where: { id: busy.id },
			data: { processingAttempts: 1, processingStartedAt: new Date() }
		});
		// Any upload to the server with a worker wakes it; it then drains every claimable job.
		const main = await signUp();
		const trigger = (await (
			await main.upload(await makeAudio(dir, 'mp3', { seconds: 1, frequencyHz: 317 }))
		).json()) as {
			id: string;
		};
		const deadline = Date.now() + 20_000;
		for (;;) {
			const [c, t] = await Promise.all([
				db.track.findUniqueOrThrow({ where: { id: crashed.id } }),
				db.track.findUniqueOrThrow({ where: { id: trigger.id } })
			]);
			if (c.processingStatus === 'ready' && t.processingStatus === 'ready') break;
			if (Date.now() > deadline)
				throw new Error(`not processed: ${c.processingStatus}/${t.processingStatus}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		const crashedAfter = await db.track.findUniqueOrThrow({ where: { id: crashed.id } });
		expect(crashedAfter.processingAttempts).toBe(2);
		expect(crashedAfter.waveform).not.toBeNull();
		const busyAfter = await db.track.findUniqueOrThrow({ where: { id: busy.id } });
		expect(busyAfter.processingStatus).toBe('pending');
		expect(busyAfter.processingAttempts).toBe(1);
	});
});
