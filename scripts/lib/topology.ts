// A load-balanced Chorus on loopback, as in production: Debian's nginx (deploy/nginx/nginx.conf.template)
// in front of the built web app (apps/web/build) and two built realtime nodes
// (apps/realtime/dist) sharing a private redis-server, on a fresh migrated database. Builds
// nothing: run `pnpm build` first. Used by `pnpm topology` and by the tests through nginx.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbmate } from './migrate.ts';
import { freePort, repoRoot, testDatabase, type Database } from './postgres.ts';

export const NGINX_TEMPLATE = join(repoRoot, 'deploy/nginx/nginx.conf.template');
export const WEB_BUILD = join(repoRoot, 'apps/web/build/index.js');
export const REALTIME_BUILD = join(repoRoot, 'apps/realtime/dist/index.js');
/** The internal location of the template; the web app's STREAM_ACCEL. */
export const BLOBS_PREFIX = '/_blobs/';

/** Debian's nginx (or any on the PATH), or null when none is installed. */
export function nginxBinary(): string | null {
	for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx']) {
		if (existsSync(candidate)) return candidate;
	}
	const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
	return which.status === 0 ? which.stdout.trim() || null : null;
}

/**
 * Substitutes `${CHORUS_*}` the way the nginx image's envsubst step does for docker-compose, and
 * refuses a template variable without a value (envsubst would leave it, and nginx fail on it).
 */
export function renderNginxConfig(template: string, vars: Record<string, string>): string {
	return template.replace(/\$\{(CHORUS_[A-Z_]+)\}/g, (_m, name: string) => {
		const value = vars[name];
		if (value === undefined) throw new Error(`nginx template: no value for ${name}`);
		return value;
	});
}

export interface Service {
	name: string;
	url: string;
	port: number;
	child: ChildProcess;
	output(): string;
}

export interface Topology {
	/** What a browser opens: nginx, http://localhost:<port>. */
	url: string;
	/** The database the apps use (a fresh one, dropped by stop()). */
	databaseUrl: string;
	/** Temp dir: nginx prefix (nginx.conf, logs/access.log, error.log) and the web DATA_DIR. */
	dir: string;
	dataDir: string;
	accessLog: string;
	nginx: Service;
	web: Service;
	realtime: Service[];
	redis: Service;
	stop(): Promise<void>;
}

export interface TopologyOptions {
	/** nginx, web, realtime 1, realtime 2 and redis on base .. base+4; default: free ports. */
	basePort?: number;
	/** Extra environment for the web app (after the defaults). */
	webEnv?: Record<string, string>;
	/** Extra environment for both realtime nodes. */
	realtimeEnv?: Record<string, string>;
	/** nginx worker_processes (default 1). */
	nginxWorkers?: number;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

function startProcess(
	name: string,
	cmd: string,
	args: string[],
	env: Record<string, string>,
	port: number,
	url: string
): Service {
	const child = spawn(cmd, args, {
		cwd: repoRoot,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout?.on('data', (d) => (log = (log + d).slice(-20_000)));
	child.stderr?.on('data', (d) => (log = (log + d).slice(-20_000)));
	return { name, url, port, child, output: () => log };
}

export function stopService(s: Service | undefined): Promise<void> {
	return new Promise((resolve) => {
		if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
		const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
		s.child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		});
		s.child.kill('SIGTERM'); // nginx: fast shutdown; node: drain; redis: exit
	});
}

async function waitFor(s: Service, probe: () => Promise<boolean>, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (s.child.exitCode !== null || s.child.signalCode !== null) {
			throw new Error(
				`${s.name} exited (${s.child.exitCode ?? s.child.signalCode}):\n${s.output()}`
			);
		}
		if (await probe().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`${s.name} did not get ready:\n${s.output()}`);
		await new Promise((r) => setTimeout(r, 150));
	}
}

const httpOk = (url: string) => async () => (await fetch(url)).ok;

export interface NginxOptions {
	/** Prefix: nginx.conf, nginx.pid, error.log and temp/ go here (it must exist). */
	dir: string;
	port: number;
	workers: number;
	/** host:port of each web process. */
	webServers: string[];
	/** host:port of each realtime node. */
	realtimeServers: string[];
	/** The web app's DATA_DIR/blobs, served at /_blobs/ (internal). */
	blobsDir: string;
	/** A file (format `main`), or `off`. */
	accessLog: string;
}

/**
 * Debian's nginx with deploy/nginx/nginx.conf.template on 127.0.0.1:port, in the foreground,
 * with a prefix of its own (pid and error log in it): the system's nginx is never touched.
 * Resolves once it listens; stop it with SIGTERM (stopService).
 */
export async function startNginx(o: NginxOptions): Promise<Service> {
	const bin = nginxBinary();
	if (!bin) throw new Error('nginx is not installed (apt-get install -y nginx)');
	await mkdir(join(o.dir, 'temp'), { recursive: true });
	const conf = renderNginxConfig(await readFile(NGINX_TEMPLATE, 'utf8'), {
		CHORUS_LISTEN: `127.0.0.1:${o.port}`,
		CHORUS_WORKERS: String(o.workers),
		// Fixed loopback addresses: no `resolve`, which Debian's nginx 1.22 does not have.
		CHORUS_RESOLVER: '',
		CHORUS_WEB_SERVERS: o.webServers.map((s) => `server ${s};`).join(' '),
		CHORUS_REALTIME_SERVERS: o.realtimeServers.map((s) => `server ${s};`).join(' '),
		CHORUS_BLOBS_DIR: o.blobsDir,
		CHORUS_ACCESS_LOG: o.accessLog === 'off' ? 'off' : `${o.accessLog} main`,
		CHORUS_TEMP_DIR: join(o.dir, 'temp')
	});
	const confPath = join(o.dir, 'nginx.conf');
	await writeFile(confPath, conf);
	// As root, workers would run as nobody and could not read a private (0700) temp dir.
	const global = `daemon off; pid ${join(o.dir, 'nginx.pid')};${process.getuid?.() === 0 ? ' user root;' : ''}`;
	const args = ['-p', o.dir, '-c', confPath, '-e', join(o.dir, 'error.log'), '-g', global];
	const test = spawnSync(bin, [...args, '-t'], { encoding: 'utf8' });
	if (test.status !== 0) throw new Error(`nginx -t failed:\n${test.stderr}`);
	const url = `http://127.0.0.1:${o.port}`;
	const nginx = startProcess('nginx', bin, args, {}, o.port, url);
	try {
		await waitFor(nginx, httpOk(`${url}/nginx-health`), 10_000);
	} catch (err) {
		await stopService(nginx);
		throw err;
	}
	return nginx;
}

export async function startTopology(opts: TopologyOptions = {}): Promise<Topology> {
	const log = opts.log ?? (() => {});
	if (!nginxBinary()) throw new Error('nginx is not installed (apt-get install -y nginx)');
	for (const [what, file] of [
		['apps/web/build', WEB_BUILD],
		['apps/realtime/dist', REALTIME_BUILD]
	] as const) {
		if (!existsSync(file)) throw new Error(`${what} is missing: run \`pnpm build\` first`);
	}
	const port = async (offset: number) =>
		opts.basePort === undefined ? freePort() : opts.basePort + offset;
	const [nginxPort, webPort, rt1Port, rt2Port, redisPort] = [
		await port(0),
		await port(1),
		await port(2),
		await port(3),
		await port(4)
	] as [number, number, number, number, number];

	const dir = await mkdtemp(join(tmpdir(), 'chorus-topology-'));
	const dataDir = join(dir, 'data');
	const accessLog = join(dir, 'logs', 'access.log');
	// localhost: the session cookie is Secure, which browsers accept on http://localhost only.
	const url = `http://localhost:${nginxPort}`;
	const started: Service[] = [];
	let db: Database | undefined;

	const stop = async () => {
		// Front to back: nginx first so nothing new arrives, redis and the database last.
		const byName = new Map(started.map((s) => [s.name, s]));
		await stopService(byName.get('nginx'));
		await Promise.all(['web', 'realtime-1', 'realtime-2'].map((n) => stopService(byName.get(n))));
		await stopService(byName.get('redis'));
		await db?.stop().catch((err: unknown) => console.error('[topology] drop database:', err));
		await rm(dir, { recursive: true, force: true });
	};

	try {
		for (const sub of ['logs', 'temp', 'data/blobs'])
			await mkdir(join(dir, sub), { recursive: true });

		const redis = startProcess(
			'redis',
			'redis-server',
			['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{},
			redisPort,
			`redis://127.0.0.1:${redisPort}`
		);
		started.push(redis);
		await waitFor(redis, async () => /Ready to accept connections/i.test(redis.output()));
		log(`redis-server ${redis.url}`);

		db = await testDatabase('topology');
		await dbmate(db.url, ['up'], true);
		log(`database ${new URL(db.url).pathname.slice(1)} migrated`);

		const common = {
			NODE_ENV: 'production',
			HOST: '127.0.0.1',
			DATABASE_URL: db.url,
			REDIS_URL: redis.url,
			LOG_LEVEL: 'warn',
			RATE_LIMIT_NAMESPACE: `topology-${randomBytes(6).toString('hex')}`
		};
		const realtime = [rt1Port, rt2Port].map((p, i) =>
			startProcess(
				`realtime-${i + 1}`,
				process.execPath,
				[REALTIME_BUILD],
				{
					...common,
					PORT: String(p),
					REALTIME_ALLOWED_ORIGINS: url,
					NODE_ID: `realtime-${i + 1}`,
					...opts.realtimeEnv
				},
				p,
				`http://127.0.0.1:${p}`
			)
		);
		started.push(...realtime);
		const web = startProcess(
			'web',
			process.execPath,
			[WEB_BUILD],
			{
				...common,
				PORT: String(webPort),
				ORIGIN: url,
				// Same origin: the browser reaches Socket.IO through nginx's /socket.io/.
				PUBLIC_REALTIME_URL: '',
				ADDRESS_HEADER: 'X-Forwarded-For',
				XFF_DEPTH: '1',
				BODY_SIZE_LIMIT: '210M',
				SECRETS_KEY: randomBytes(32).toString('base64'),
				DATA_DIR: dataDir,
				STORAGE_DRIVER: 'local',
				STREAM_ACCEL: BLOBS_PREFIX,
				...opts.webEnv
			},
			webPort,
			`http://127.0.0.1:${webPort}`
		);
		started.push(web);
		await Promise.all([
			...realtime.map((r) => waitFor(r, httpOk(`${r.url}/readyz`))),
			waitFor(web, httpOk(`${web.url}/api/v1/health`))
		]);
		log(`web ${web.url}, realtime ${realtime.map((r) => r.url).join(' ')}`);

		const nginx = await startNginx({
			dir,
			port: nginxPort,
			workers: opts.nginxWorkers ?? 1,
			webServers: [`127.0.0.1:${webPort}`],
			realtimeServers: realtime.map((r) => `127.0.0.1:${r.port}`),
			blobsDir: join(dataDir, 'blobs'),
			accessLog
		});
		started.push(nginx);
		// Ready when the whole chain answers through nginx (/readyz itself is not public there:
		// the web app's /api/v1/health checks the same PostgreSQL and Redis).
		await waitFor(nginx, httpOk(`http://127.0.0.1:${nginxPort}/api/v1/health`));
		log(`nginx ${url}`);

		return {
			url,
			databaseUrl: db.url,
			dir,
			dataDir,
			accessLog,
			nginx,
			web,
			realtime,
			redis,
			stop
		};
	} catch (err) {
		await stop();
		throw err;
	}
}
