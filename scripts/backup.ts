// pnpm backup [--out <file.tar>]: the database (pg_dump) and every blob it refers to, from the
// configured store, in one archive with a checksummed manifest. See "Backups" in README.md.
import 'dotenv/config';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup } from './lib/backup.ts';
import { instanceStore } from './lib/instance-store.ts';
import { devDatabase, repoRoot } from './lib/postgres.ts';

const { values } = parseArgs({ options: { out: { type: 'string', short: 'o' } } });
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
// pnpm runs scripts at the repository root; INIT_CWD is where the command was typed.
const out = values.out
	? resolve(process.env.INIT_CWD ?? process.cwd(), values.out)
	: `${repoRoot}backups/chorus-${stamp}.tar`;

const db = await devDatabase();
try {
	const manifest = await createBackup({
		databaseUrl: db.url,
		store: instanceStore(),
		out,
		log: (m) => console.log(`› ${m}`)
	});
	const rows = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
	const bytes = manifest.blobs.reduce((a, b) => a + b.bytes, 0);
	console.log(
		`› wrote ${out}: ${Object.keys(manifest.counts).length} tables (${rows} rows), ` +
			`${manifest.blobs.length} blobs (${bytes} bytes), migration ${manifest.migration}`
	);
} catch (err) {
	console.error(`› backup failed: ${(err as Error).message}`);
	process.exitCode = 1;
} finally {
	await db.stop();
}
