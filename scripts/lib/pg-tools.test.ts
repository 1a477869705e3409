// Which pg_dump / pg_restore is used: real executables in a temp PG_BIN, no stand-ins for our code.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPgTool } from './pg-tools.ts';

let root: string;
/** A directory with a `pg_dump` that reports `version`, as PostgreSQL's does. */
async function binWith(version: string): Promise<string> {
	const dir = join(root, version);
	await mkdir(dir, { recursive: true });
	const file = join(dir, 'pg_dump');
	await writeFile(
		file,
		`#!/bin/sh\necho "pg_dump (PostgreSQL) ${version} (Debian ${version}-1)"\n`
	);
	await chmod(file, 0o755);
	return dir;
}

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'chorus-pgbin-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('findPgTool', () => {
	it('takes PG_BIN when it is new enough for the server', async () => {
		const dir = await binWith('17.4');
		await expect(findPgTool('pg_dump', 17, { PG_BIN: dir })).resolves.toEqual({
			path: join(dir, 'pg_dump'),
			version: '17.4',
			major: 17
		});
		expect((await findPgTool('pg_dump', 15, { PG_BIN: dir })).major).toBe(17);
	});

	it('refuses an older client, saying what to install', async () => {
		const dir = await binWith('15.20');
		await expect(findPgTool('pg_dump', 18, { PG_BIN: dir })).rejects.toThrow(
			`pg_dump 18 or newer is needed for a PostgreSQL 18 server (only ${join(dir, 'pg_dump')} 15.20 ` +
				'found): install the PostgreSQL 18 client (Debian/Ubuntu: apt install postgresql-client-18'
		);
		await expect(findPgTool('pg_dump', 15, { PG_BIN: join(root, 'none') })).rejects.toThrow(
			/no pg_dump found in PG_BIN=.*set PG_BIN to the directory holding pg_dump/
		);
	});
});
