// The app under test for a benchmark: a fresh database (migrated), a temp DATA_DIR, the production
// build of apps/web on a free loopback port and one registered user. Everything is undone by the
// Cleanup it is given.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dbmate } from '../../scripts/lib/migrate.ts';
import { testDatabase } from '../../scripts/lib/postgres.ts';
import { startWeb, type StartedProcess } from '../../tests/servers.ts';
import type { Cleanup } from './harness.ts';

export interface BenchApp {
	url: string;
	/** `chorus_session=...`, ready for a Cookie header. */
	cookie: string;
	dataDir: string;
	databaseUrl: string;
	web: StartedProcess;
	/** Pid of the web server's Node process (for /proc sampling). */
	pid: number;
}

export interface TrackJson {
	id: string;
	sha256: string;
	sizeBytes: number;
	durationMs: number;
	processingStatus: 'pending' | 'ready' | 'failed';
	[key: string]: unknown;
}

/** A private temp dir, removed by the cleanup. */
export async function tempDir(cleanup: Cleanup, label: string): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), `chorus-bench-${label}-`));
	cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
	return dir;
}

export async function startApp(
	cleanup: Cleanup,
	label: string,
	env: Record<string, string> = {}
): Promise<BenchApp> {
	const db = await testDatabase(`bench_${label}`);
	cleanup.add('drop database', () => db.stop());
	await dbmate(db.url, ['up'], true);
	const dataDir = await tempDir(cleanup, `${label}-data`);
	const web = await startWeb({
		DATABASE_URL: db.url,
		...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
		RATE_LIMIT_NAMESPACE: `bench-${randomBytes(6).toString('hex')}`,
		DATA_DIR: dataDir,
		...env
	});
	cleanup.add('stop web server', () => web.stop());
	if (!web.child.pid) throw new Error('web server has no pid');

	const res = await fetch(`${web.url}/api/v1/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: web.url },
		body: JSON.stringify({
			email: `bench-${randomBytes(6).toString('hex')}@bench.chorus`,
			password: `bench-${randomBytes(12).toString('hex')}`,
			displayName: 'Bench'
		})
	});
	if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
	const session = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.find((c) => c.startsWith('chorus_session='));
	if (!session) throw new Error('register: no chorus_session cookie');
	return { url: web.url, cookie: session, dataDir, databaseUrl: db.url, web, pid: web.child.pid };
}

export async function getTrack(app: BenchApp, id: string): Promise<TrackJson> {
	const res = await fetch(`${app.url}/api/v1/tracks/${id}`, { headers: { cookie: app.cookie } });
	if (res.status !== 200) throw new Error(`GET track ${id}: ${res.status} ${await res.text()}`);
	return (await res.json()) as TrackJson;
}

/** Polls until the track leaves 'pending'; resolves the time (performance.now()) it was seen. */
export async function waitUntilProcessed(
	app: BenchApp,
	id: string,
	opts: { pollMs: number; timeoutMs: number }
): Promise<{ track: TrackJson; at: number }> {
	const deadline = performance.now() + opts.timeoutMs;
	for (;;) {
		const track = await getTrack(app, id);
		const at = performance.now();
		if (track.processingStatus === 'failed') {
			throw new Error(`processing of ${id} failed: ${String(track.processingError)}`);
		}
		if (track.processingStatus === 'ready') return { track, at };
		if (at > deadline) throw new Error(`track ${id} not processed after ${opts.timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, opts.pollMs));
	}
}

export interface UploadResult {
	status: number;
	track: TrackJson;
	/** From the first byte sent to the end of the 201 response. */
	ms: number;
	startedAt: number;
	endedAt: number;
}

/**
 * POSTs `file` as multipart field "file", streamed from disk (the client never holds it in
 * memory), and waits for the JSON answer.
 */
export async function uploadFile(
	app: BenchApp,
	file: string,
	mimeType: string,
	timeoutMs = 300_000
): Promise<UploadResult> {
	const boundary = `----chorus-bench-${randomBytes(12).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(file)}"\r\n` +
			`Content-Type: ${mimeType}\r\n\r\n`
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const { size } = await stat(file);
	return new Promise<UploadResult>((resolve, reject) => {
		const startedAt = performance.now();
		const req = request(
			`${app.url}/api/v1/tracks`,
			{
				method: 'POST',
				headers: {
					cookie: app.cookie,
					origin: app.url,
					'content-type': `multipart/form-data; boundary=${boundary}`,
					'content-length': String(head.length + size + tail.length)
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('error', reject);
				res.on('end', () => {
					const endedAt = performance.now();
					const text = Buffer.concat(chunks).toString('utf8');
					if (res.statusCode !== 201) {
						return reject(new Error(`upload ${basename(file)}: ${res.statusCode} ${text}`));
					}
					const track = JSON.parse(text) as TrackJson;
					resolve({ status: 201, track, ms: endedAt - startedAt, startedAt, endedAt });
				});
			}
		);
		req.setTimeout(timeoutMs, () =>
			req.destroy(new Error(`upload timed out after ${timeoutMs} ms`))
		);
		req.on('error', reject);
		req.write(head);
		const body = createReadStream(file, { highWaterMark: 1 << 20 });
		body.on('error', (err) => req.destroy(err));
		body.on('end', () => req.end(tail));
		body.pipe(req, { end: false });
	});
}
