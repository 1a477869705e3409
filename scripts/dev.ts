// pnpm dev: PostgreSQL (DATABASE_URL or an embedded server under .data/pg) -> migrations ->
// demo account -> realtime service + web app, stopped together with Ctrl-C.
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { dbmate } from './lib/migrate.ts';
import { devDatabase, repoRoot } from './lib/postgres.ts';
import { seedDemoLibrary, seedDemoRoom, signIn } from './lib/demo-library.ts';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from './lib/seed.ts';

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

let stopping = false;
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
void seedLibraryWhenUp();

/** Once the web app answers, gives the demo account its library (first run only). */
async function seedLibraryWhenUp() {
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline && !stopping) {
		try {
			if ((await fetch(`${WEB_ORIGIN}/api/v1/health`)).ok) break;
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	try {
		const session = await signIn(WEB_ORIGIN, DEMO_EMAIL, DEMO_PASSWORD);
		const added = await seedDemoLibrary(session, (m) => console.log(`› ${m}`));
		if (added) console.log(`› Demo library: ${added} tracks`);
		const invite = await seedDemoRoom(session, `http://localhost:${REALTIME_PORT}`, WEB_ORIGIN);
		if (invite) console.log(`› Demo room invite (open it in another browser): ${invite}`);
	} catch (err) {
		// The demo account may have been changed or removed; the app works without it.
		console.warn(`› Demo library skipped: ${err instanceof Error ? err.message : err}`);
	}
	console.log(`› Chorus: ${WEB_ORIGIN}  (demo account: ${DEMO_EMAIL} / ${DEMO_PASSWORD})`);
}

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
