// pnpm dev: PostgreSQL (DATABASE_URL or an embedded server under .data/pg) -> migrations ->
// demo account -> realtime service + web app, stopped together with Ctrl-C.
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { dbmate } from './lib/migrate.ts';
import { devDatabase, repoRoot } from './lib/postgres.ts';
import { seedDemo } from './lib/seed.ts';

const REALTIME_PORT = Number(process.env.REALTIME_PORT ?? 3001);
const WEB_ORIGIN = process.env.ORIGIN ?? 'http://localhost:5173';

console.log(
	process.env.DATABASE_URL ? '› Using DATABASE_URL' : '› Starting embedded PostgreSQL (.data/pg)'
);
const db = await devDatabase();
await dbmate(db.url, ['up'], true);
console.log('› Migrations applied');
await seedDemo(db.url);
console.log(
	process.env.REDIS_URL
		? '› Realtime: Redis adapter (REDIS_URL)'
		: '› Realtime: single node, in-memory'
);

const children: ChildProcess[] = [];
function run(name: string, args: string[], env: Record<string, string>) {
	const child = spawn('pnpm', args, {
		cwd: repoRoot,
		stdio: 'inherit',
		env: { ...process.env, ...env }
	});
	child.on('exit', (code) => {
		if (!stopping) {
			console.error(`› ${name} exited (${code}); stopping`);
			void stop(code ?? 1);
		}
	});
	children.push(child);
}

run('realtime', ['--filter', '@chorus/realtime', 'dev'], {
	DATABASE_URL: db.url,
	PORT: String(REALTIME_PORT),
	REALTIME_ALLOWED_ORIGINS: process.env.REALTIME_ALLOWED_ORIGINS ?? WEB_ORIGIN
});
run('web', ['--filter', '@chorus/web', 'dev'], {
	DATABASE_URL: db.url,
	DATA_DIR: process.env.DATA_DIR ?? join(repoRoot, '.data'),
	REALTIME_PROXY_TARGET: `http://localhost:${REALTIME_PORT}`
});
console.log(`› Chorus: ${WEB_ORIGIN}  (demo account: demo@chorus.local / chorus-demo)`);

let stopping = false;
async function stop(code = 0) {
	if (stopping) return;
	stopping = true;
	for (const c of children) c.kill('SIGTERM');
	await Promise.all(
		children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))
	);
	await db.stop();
	process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
