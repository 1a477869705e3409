// pnpm restore <file.tar> [--force]: checks every checksum of a `pnpm backup` archive, then
// restores the database (into an empty one unless --force) and the blobs into the configured
// store. See "Backups" in README.md.
import 'dotenv/config';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from './lib/backup.ts';
import { instanceStore } from './lib/instance-store.ts';
import { devDatabase } from './lib/postgres.ts';

const { values, positionals } = parseArgs({
	options: { force: { type: 'boolean', default: false } },
	allowPositionals: true
});
if (positionals.length !== 1) {
	console.error('usage: pnpm restore <backup.tar> [--force]');
	process.exit(2);
}

const db = await devDatabase();
try {
	const manifest = await restoreBackup({
		// pnpm runs scripts at the repository root; INIT_CWD is where the command was typed.
		archive: resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!),
		databaseUrl: db.url,
		store: instanceStore(),
		force: values.force,
		log: (m) => console.log(`› ${m}`)
	});
	console.log(`› restored the backup of ${manifest.createdAt}`);
} catch (err) {
	console.error(`› restore failed: ${(err as Error).message}`);
	process.exitCode = 1;
} finally {
	await db.stop();
}
