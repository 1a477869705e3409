// One-file backups of an instance: a pg_dump of the database and every blob the database refers
// to (audio, covers, avatars), read through the storage driver (local disk or S3), in a tar with a
// manifest of sizes and SHA-256 checksums. Restore checks every checksum before it touches
// anything, and only restores into an empty database unless forced.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import * as tar from 'tar';
import { z } from 'zod';
import { COVER_SIZES } from '../../apps/web/src/lib/server/media/covers.ts';
import { assertValidKey } from '../../apps/web/src/lib/server/storage/local.ts';
import type { BlobStore } from '../../apps/web/src/lib/server/storage/index.ts';
import { migrationsDir } from './migrate.ts';
import { findPgTool, runPgTool } from './pg-tools.ts';
import { withClient } from './postgres.ts';

export const MANIFEST = 'manifest.json';
const DUMP = 'database.pgdump';
const BLOBS = 'blobs';

const fileEntry = z.strictObject({
	bytes: z.number().int().nonnegative(),
	sha256: z.string().regex(/^[0-9a-f]{64}$/)
});

const manifestSchema = z.strictObject({
	format: z.literal('chorus-backup'),
	formatVersion: z.literal(1),
	createdAt: z.iso.datetime(),
	/** The newest applied dbmate migration (prisma/migrations/<version>_*.sql). */
	migration: z.string().nullable(),
	postgres: z.strictObject({ server: z.string(), pgDump: z.string() }),
	storageDriver: z.string(),
	database: fileEntry,
	/** Rows per table (public schema) in the dumped snapshot; restore checks them. */
	counts: z.record(z.string(), z.number().int().nonnegative()),
	blobs: z.array(fileEntry.extend({ key: z.string(), contentType: z.string() })),
	/** Keys the database names but the store did not have when the backup was taken. */
	missingBlobs: z.array(z.string())
});

export type Manifest = z.infer<typeof manifestSchema>;
type Log = (message: string) => void;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function serverVersion(c: pg.Client) {
	const { rows } = await c.query<{ v: string; num: string }>(
		`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS num`
	);
	return { version: rows[0]!.v.split(' ')[0]!, major: Math.floor(Number(rows[0]!.num) / 10000) };
}

/** Tables of the public schema (dbmate's schema_migrations included) and their row counts. */
async function tableCounts(c: pg.Client): Promise<Record<string, number>> {
	const { rows: tables } = await c.query<{ name: string }>(
		`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`
	);
	const counts: Record<string, number> = {};
	for (const { name } of tables) {
		const { rows } = await c.query<{ n: string }>(
			`SELECT count(*) AS n FROM public.${quoteIdent(name)}`
		);
		counts[name] = Number(rows[0]!.n);
	}
	return counts;
}

/** Every blob key the database refers to, with the content type it is stored with. */
async function referencedBlobs(c: pg.Client): Promise<{ key: string; contentType: string }[]> {
	const audio = await c.query<{ sha256: string; mime_type: string }>(
		'SELECT sha256, mime_type FROM blobs ORDER BY sha256'
	);
	const covers = await c.query<{ sha: string }>(
		'SELECT DISTINCT cover_sha256 AS sha FROM tracks WHERE cover_sha256 IS NOT NULL ORDER BY 1'
	);
	const avatars = await c.query<{ key: string }>(
		'SELECT avatar_key AS key FROM users WHERE avatar_key IS NOT NULL ORDER BY 1'
	);
	return [
		// Keys as apps/web/src/lib/server/blobs.ts builds them.
		...audio.rows.map((r) => ({ key: `audio/${r.sha256}`, contentType: r.mime_type })),
		...covers.rows.flatMap((r) =>
			Object.keys(COVER_SIZES).map((size) => ({
				key: `covers/${r.sha}/${size}.webp`,
				contentType: 'image/webp'
			}))
		),
		...avatars.rows.map((r) => ({ key: r.key, contentType: 'image/webp' }))
	];
}

function hashing() {
	const hash = createHash('sha256');
	let bytes = 0;
	const stream = new Transform({
		transform(chunk: Buffer, _enc, cb) {
			hash.update(chunk);
			bytes += chunk.length;
			cb(null, chunk);
		}
	});
	return { stream, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

async function hashFile(file: string) {
	const h = hashing();
	await pipeline(createReadStream(file), h.stream, async (source) => {
		for await (const _ of source) {
			// drain: only the hash is wanted
		}
	});
	return h.result();
}

export interface BackupOptions {
	databaseUrl: string;
	store: BlobStore;
	/** The archive to write (a .tar); written under a temporary name, then renamed. */
	out: string;
	log?: Log;
}

/** Writes a backup archive and returns its manifest. */
export async function createBackup(opts: BackupOptions): Promise<Manifest> {
	const { databaseUrl, store, log = () => {} } = opts;
	const out = resolve(opts.out);
	await mkdir(dirname(out), { recursive: true });
	// Staged next to the archive: the same disk, so no second copy lands in a small /tmp.
	const stage = await mkdtemp(join(dirname(out), '.chorus-backup-'));
	try {
		const snapshot = await withClient(databaseUrl, async (c) => {
			const server = await serverVersion(c);
			const pgDump = await findPgTool('pg_dump', server.major);
			// One snapshot for the row counts, the blob list and pg_dump (--snapshot): the archive
			// holds exactly the blobs of the rows it holds, even while the app keeps writing.
			await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
			try {
				const { rows } = await c.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
				const { rows: mig } = await c.query<{ v: string | null }>(
					'SELECT max(version) AS v FROM schema_migrations'
				);
				const counts = await tableCounts(c);
				const keys = await referencedBlobs(c);
				log(`dumping the database with ${pgDump.path} ${pgDump.version}`);
				await runPgTool(pgDump, databaseUrl, [
					'--format=custom',
					`--snapshot=${rows[0]!.id}`,
					'--file',
					join(stage, DUMP)
				]);
				return { server, pgDump, migration: mig[0]!.v, counts, keys };
			} finally {
				await c.query('COMMIT');
			}
		});

		// Content-addressed blobs never change, so copying them after the snapshot is safe; one
		// deleted since (a takedown) is recorded as missing.
		const blobs: Manifest['blobs'] = [];
		const missingBlobs: string[] = [];
		for (const { key, contentType } of snapshot.keys) {
			if (!(await store.stat(key))) {
				missingBlobs.push(key);
				continue;
			}
			const file = join(stage, BLOBS, key);
			await mkdir(dirname(file), { recursive: true });
			const h = hashing();
			await pipeline(await store.read(key), h.stream, createWriteStream(file));
			blobs.push({ key, contentType, ...h.result() });
		}
		if (missingBlobs.length) {
			log(`warning: ${missingBlobs.length} blob(s) named by the database are not in the store:`);
			for (const key of missingBlobs) log(`  ${key}`);
		}

		const manifest: Manifest = {
			format: 'chorus-backup',
			formatVersion: 1,
			createdAt: new Date().toISOString(),
			migration: snapshot.migration,
			postgres: { server: snapshot.server.version, pgDump: snapshot.pgDump.version },
			storageDriver: store.kind,
			database: await hashFile(join(stage, DUMP)),
			counts: snapshot.counts,
			blobs,
			missingBlobs
		};
		await writeFile(join(stage, MANIFEST), JSON.stringify(manifest, null, '\t') + '\n');
		const partial = `${out}.partial`;
		// The manifest first, so `tar -xOf backup.tar manifest.json` is quick.
		await tar.create({ file: partial, cwd: stage, portable: true }, [
			MANIFEST,
			DUMP,
			...(blobs.length ? [BLOBS] : [])
		]);
		await rename(partial, out);
		return manifest;
	} finally {
		await rm(stage, { recursive: true, force: true });
	}
}

export interface RestoreOptions {
	archive: string;
	databaseUrl: string;
	store: BlobStore;
	/** Restore into a database that already has tables (pg_restore --clean). */
	force?: boolean;
	log?: Log;
}

/** A backup that cannot be trusted: nothing has been restored from it. */
export class BackupArchiveError extends Error {
	constructor(archive: string, problem: string) {
		super(`${archive} cannot be restored: ${problem}. Nothing was restored.`);
		this.name = 'BackupArchiveError';
	}
}

async function readManifest(archive: string, stage: string): Promise<Manifest> {
	let text: string;
	try {
		text = await readFile(join(stage, MANIFEST), 'utf8');
	} catch {
		throw new BackupArchiveError(archive, `it has no ${MANIFEST}: not a Chorus backup`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new BackupArchiveError(archive, `its ${MANIFEST} is not valid JSON`);
	}
	const result = manifestSchema.safeParse(parsed);
	if (!result.success) {
		throw new BackupArchiveError(archive, `its ${MANIFEST} is not one this version reads`);
	}
	return result.data;
}

/** Every file listed with the size and checksum the manifest says, and no file left unlisted. */
async function verify(archive: string, stage: string, manifest: Manifest) {
	const listed = new Map<string, { bytes: number; sha256: string }>([[DUMP, manifest.database]]);
	for (const blob of manifest.blobs) {
		try {
			assertValidKey(blob.key);
		} catch {
			throw new BackupArchiveError(archive, `its manifest lists an invalid blob key`);
		}
		listed.set(`${BLOBS}/${blob.key}`, blob);
	}
	for (const [name, expected] of listed) {
		let actual;
		try {
			actual = await hashFile(join(stage, name));
		} catch {
			throw new BackupArchiveError(archive, `${name} is missing from it`);
		}
		if (actual.bytes !== expected.bytes || actual.sha256 !== expected.sha256) {
			throw new BackupArchiveError(
				archive,
				`${name} is corrupt (${actual.bytes} bytes, SHA-256 ${actual.sha256}; ` +
					`the manifest says ${expected.bytes} bytes, ${expected.sha256})`
			);
		}
	}
	const present = (await readdir(stage, { recursive: true, withFileTypes: true }))
		.filter((e) => e.isFile())
		.map((e) => join(e.parentPath, e.name).slice(stage.length + 1));
	const extra = present.filter((name) => name !== MANIFEST && !listed.has(name));
	if (extra.length) {
		throw new BackupArchiveError(
			archive,
			`it holds files its manifest does not list (${extra[0]})`
		);
	}
}

/** Throws unless the target database's public schema has no tables (or `force`). */
async function refuseNonEmpty(c: pg.Client, force: boolean): Promise<void> {
	if (force) return;
	const { rows } = await c.query<{ n: string }>(
		`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`
	);
	const tables = Number(rows[0]!.n);
	if (tables > 0) {
		throw new Error(
			`the target database ${c.database} is not empty (${tables} tables): restore into an ` +
				'empty database, or pass --force to replace what the backup contains'
		);
	}
}

/** The newest migration this checkout has (prisma/migrations/<version>_<name>.sql). */
async function latestLocalMigration(): Promise<string | null> {
	const versions = (await readdir(migrationsDir))
		.map((f) => /^(\d+)_.*\.sql$/.exec(f)?.[1])
		.filter((v): v is string => v !== undefined)
		.sort();
	return versions.at(-1) ?? null;
}

/** Checks the archive, restores the database, checks its row counts, then puts the blobs back. */
export async function restoreBackup(opts: RestoreOptions): Promise<Manifest> {
	const { databaseUrl, store, force = false, log = () => {} } = opts;
	const archive = resolve(opts.archive);
	if (!(await stat(archive).catch(() => null))?.isFile()) {
		throw new Error(`${archive} does not exist`);
	}
	// Before unpacking what may be gigabytes: a database with tables is refused at once.
	await withClient(databaseUrl, (c) => refuseNonEmpty(c, force));
	const stage = await mkdtemp(join(tmpdir(), 'chorus-restore-'));
	try {
		try {
			await tar.extract({
				file: archive,
				cwd: stage,
				strict: true,
				// Regular files only: links could point outside the staging directory.
				filter: (_path, entry) =>
					!('type' in entry) || entry.type === 'File' || entry.type === 'Directory'
			});
		} catch (err) {
			throw new BackupArchiveError(
				archive,
				`it is not a readable tar archive (${(err as Error).message})`
			);
		}
		const manifest = await readManifest(archive, stage);
		await verify(archive, stage, manifest);
		log(
			`archive verified: ${DUMP} and ${manifest.blobs.length} blob(s) match the manifest ` +
				`(taken ${manifest.createdAt}, migration ${manifest.migration ?? 'none'})`
		);

		await withClient(databaseUrl, async (c) => {
			await refuseNonEmpty(c, force);
			const server = await serverVersion(c);
			const dumpMajor = Number(manifest.postgres.pgDump.split('.')[0]);
			const pgRestore = await findPgTool('pg_restore', Math.max(server.major, dumpMajor));
			log(`restoring the database with ${pgRestore.path} ${pgRestore.version}`);
			await runPgTool(pgRestore, databaseUrl, [
				// Roles and grants are the target server's business: objects belong to whoever restores.
				'--no-owner',
				'--no-acl',
				'--exit-on-error',
				'--single-transaction',
				...(force ? ['--clean', '--if-exists'] : []),
				join(stage, DUMP)
			]);
			const counts = await tableCounts(c);
			for (const [table, rows] of Object.entries(manifest.counts)) {
				if (counts[table] !== rows) {
					throw new Error(
						`restored table ${table} has ${counts[table] ?? 'no'} rows, the backup had ${rows}`
					);
				}
			}
		});

		for (const blob of manifest.blobs) {
			// putFile moves the staged file into the store (or uploads and removes it).
			await store.putFile(blob.key, join(stage, BLOBS, blob.key), blob.contentType);
		}
		log(`restored ${manifest.blobs.length} blob(s) to the ${store.kind} store`);

		const local = await latestLocalMigration();
		if (manifest.migration && local && manifest.migration > local) {
			log(
				`warning: the backup is at migration ${manifest.migration}, newer than this checkout's ` +
					`${local}: run it with a Chorus at least as new`
			);
		} else if (local && manifest.migration !== local) {
			log(`the backup is at migration ${manifest.migration}: run \`pnpm db:migrate\` to update it`);
		}
		return manifest;
	} finally {
		await rm(stage, { recursive: true, force: true });
	}
}
