// pnpm db:migrate [dbmate command...]  — applies prisma/migrations to DATABASE_URL
// (or to the embedded dev database when DATABASE_URL is unset).
import 'dotenv/config';
import { dbmate } from './lib/migrate.ts';
import { devDatabase } from './lib/postgres.ts';

const db = await devDatabase();
try {
	const args = process.argv.slice(2);
	await dbmate(db.url, args.length ? args : ['up']);
} finally {
	await db.stop();
}
