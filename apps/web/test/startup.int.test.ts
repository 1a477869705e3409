import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../scripts/lib/postgres.ts';
import { spawnNode, startWeb, webBuild } from '../../../tests/servers.ts';

/** Runs the production build with the given env and returns how it ended. */
async function boot(env: Record<string, string>) {
	const { child, output } = spawnNode([webBuild], {
		NODE_ENV: 'production',
		PORT: String(await freePort()),
		...env
	});
	const code = await new Promise<number | null>((resolve) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			resolve(null); // still running: it started
		}, 8_000);
		child.on('exit', (c) => {
			clearTimeout(timer);
			resolve(c);
		});
	});
	return { code, output: output() };
}

describe('web app startup in production', () => {
	it('refuses to start without DATABASE_URL or ORIGIN, naming them', async () => {
		const { code, output } = await boot({});
		expect(code).not.toBe(0);
		expect(code).not.toBeNull();
		expect(output).toMatch(/DATABASE_URL/);
		expect(output).toMatch(/ORIGIN/);
	});

	it('refuses a malformed setting', async () => {
		const { code, output } = await boot({
			DATABASE_URL: inject('databaseUrl'),
			ORIGIN: 'http://localhost:1',
			RATE_LIMIT_LOGIN_PER_IP: '-5'
		});
		expect(code).not.toBe(0);
		expect(code).not.toBeNull();
		expect(output).toMatch(/RATE_LIMIT_LOGIN_PER_IP/);
	});

	it('refuses to start without ffmpeg, saying how to get one', async () => {
		const base = {
			DATABASE_URL: inject('databaseUrl'),
			ORIGIN: 'http://localhost:1',
			SECRETS_KEY: randomBytes(32).toString('base64')
		};
		// A PATH with no ffmpeg on it (node itself is started by absolute path).
		const noFfmpeg = await boot({ ...base, PATH: '/nonexistent' });
		expect(noFfmpeg.code).not.toBe(0);
		expect(noFfmpeg.code).not.toBeNull();
		expect(noFfmpeg.output).toMatch(/ffmpeg was not found on PATH: install ffmpeg .*FFMPEG_PATH/);
		const wrong = await boot({ ...base, FFMPEG_PATH: '/nonexistent/ffmpeg' });
		expect(wrong.code).not.toBe(0);
		expect(wrong.code).not.toBeNull();
		expect(wrong.output).toMatch(/FFMPEG_PATH=\/nonexistent\/ffmpeg is not an executable file/);
	});
});

describe('web app shutdown', () => {
	it('closes its database and Redis connections and exits 0 on SIGTERM', async () => {
		const redis = inject('redisUrl');
		const web = await startWeb({
			DATABASE_URL: inject('databaseUrl'),
			...(redis ? { REDIS_URL: redis } : {})
		});
		// The first request after start already sees Redis connected (it is opened in init).
		expect((await fetch(`${web.url}/api/v1/health`)).status).toBe(200);
		const started = Date.now();
		const exited = new Promise<number | null>((r) => web.child.once('exit', r));
		web.child.kill('SIGTERM');
		expect(await exited).toBe(0);
		// Well under the 5 s after which tests/servers.ts would SIGKILL it.
		expect(Date.now() - started).toBeLessThan(4_500);
	});
});
