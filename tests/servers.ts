// Starts the built apps as real processes for integration and e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, repoRoot } from '../scripts/lib/postgres.ts';

export interface StartedProcess {
	url: string;
	port: number;
	child: ChildProcess;
	output: () => string;
	stop(): Promise<void>;
}

async function waitForHttp(
	url: string,
	child: ChildProcess,
	output: () => string,
	timeoutMs = 30_000
) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`process exited (${child.exitCode}) before ready:\n${output()}`);
		try {
			const res = await fetch(url);
			if (res.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 150));
	}
	throw new Error(`timed out waiting for ${url}:\n${output()}`);
}

export function spawnNode(args: string[], env: Record<string, string>, cwd = repoRoot) {
	const child = spawn(process.execPath, args, {
		cwd,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout?.on('data', (d) => (log = (log + d).slice(-20_000)));
	child.stderr?.on('data', (d) => (log = (log + d).slice(-20_000)));
	return { child, output: () => log };
}

function stopper(child: ChildProcess) {
	return () =>
		new Promise<void>((resolve) => {
			if (child.exitCode !== null) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
		});
}

export const webBuild = join(repoRoot, 'apps/web/build/index.js');

/** The production build of the web app (`pnpm build` first). */
export async function startWeb(
	env: Record<string, string>,
	opts: {
		port?: number;
		host?: string;
		/** Where to wait for a 200 (default /api/v1/health: PostgreSQL and Redis answer). */
		readyPath?: string;
	} = {}
): Promise<StartedProcess> {
	if (!existsSync(webBuild)) throw new Error('apps/web/build is missing: run `pnpm build` first');
	const port = opts.port ?? (await freePort());
	const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;
	const { child, output } = spawnNode([webBuild], {
		NODE_ENV: 'production',
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: url,
		LOG_LEVEL: 'warn',
		// Our routes enforce their own limits (UPLOAD_MAX_BYTES); adapter-node's default is 512K.
		BODY_SIZE_LIMIT: '1G',
		// Production refuses to start without one; each test server gets its own.
		SECRETS_KEY: randomBytes(32).toString('base64'),
		...env
	});
	await waitForHttp(`${url}${opts.readyPath ?? '/api/v1/health'}`, child, output).catch(
		async (e) => {
			child.kill('SIGKILL');
			throw e;
		}
	);
	return { url, port, child, output, stop: stopper(child) };
}

/** The realtime service from source (tsx), as a separate process. */
export async function startRealtime(env: Record<string, string>): Promise<StartedProcess> {
	const port = Number(env.PORT ?? (await freePort()));
	const url = `http://127.0.0.1:${port}`;
	const tsx = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
	const { child, output } = spawnNode([tsx, join(repoRoot, 'apps/realtime/src/index.ts')], {
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		LOG_LEVEL: 'warn',
		...env,
		PORT: String(port)
	});
	await waitForHttp(`${url}/healthz`, child, output).catch(async (e) => {
		child.kill('SIGKILL');
		throw e;
	});
	return { url, port, child, output, stop: stopper(child) };
}
