// QA against any deployment: the Playwright suite with BASE_URL set tests a deployment it did not
// start, over HTTP and its socket only. Here the "deployment" is the built web app + realtime on a
// database of their own, mail going to a Mailpit-compatible mailbox; the suite's process gets no
// DATABASE_URL, and its local-server ports point at nothing, so any use of them fails the run.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbmate } from '../scripts/lib/migrate.ts';
import { freePort, repoRoot, testDatabase, type Database } from '../scripts/lib/postgres.ts';
import { startMailCatcher } from './mail-catcher.ts';
import { startRealtime, startWeb, type StartedProcess } from './servers.ts';

const PLAYWRIGHT = join(repoRoot, 'e2e/node_modules/@playwright/test/cli.js');

describe('pnpm test:e2e with BASE_URL', () => {
	let db: Database;
	let dir: string;
	let mail: Awaited<ReturnType<typeof startMailCatcher>>;
	const servers: StartedProcess[] = [];
	let baseUrl = '';

	beforeAll(async () => {
		db = await testDatabase('e2e_remote');
		await dbmate(db.url, ['up'], true);
		dir = await mkdtemp(join(tmpdir(), 'chorus-e2e-remote-'));
		mail = await startMailCatcher(join(dir, 'mail'), { httpPort: 0 });
		const webPort = await freePort();
		baseUrl = `http://localhost:${webPort}`;
		const limit = '1000';
		const realtime = await startRealtime({
			DATABASE_URL: db.url,
			REALTIME_ALLOWED_ORIGINS: baseUrl
		});
		servers.push(realtime);
		servers.push(
			await startWeb(
				{
					DATABASE_URL: db.url,
					ORIGIN: baseUrl,
					// localhost like the web origin: the browser sends its session cookie there.
					PUBLIC_REALTIME_URL: `http://localhost:${realtime.port}`,
					DATA_DIR: join(dir, 'data'),
					SMTP_URL: mail.url,
					RATE_LIMIT_REGISTER_PER_IP: limit,
					RATE_LIMIT_LOGIN_PER_IP: limit,
					RATE_LIMIT_INVITE_PER_IP: limit,
					RATE_LIMIT_EMAIL_PER_IP: limit
				},
				{ port: webPort, host: 'localhost' }
			)
		);
	}, 120_000);

	afterAll(async () => {
		await Promise.allSettled(servers.map((s) => s.stop()));
		await mail?.stop();
		await db?.stop();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('runs the @smoke and @needs-mail specs against it, seeding through the API only', async () => {
		const junit = join(dir, 'junit.xml');
		const nowhere = String(await freePort());
		const run = spawn(
			process.execPath,
			[PLAYWRIGHT, 'test', '--grep', '@smoke|@needs-mail', '--reporter=line,junit'],
			{
				cwd: join(repoRoot, 'e2e'),
				env: {
					PATH: process.env.PATH ?? '',
					HOME: process.env.HOME ?? '',
					BASE_URL: baseUrl,
					E2E_REALTIME_URL: `http://localhost:${servers[0]!.port}`,
					MAILBOX_URL: mail.httpUrl!,
					PLAYWRIGHT_JUNIT_OUTPUT_NAME: junit,
					E2E_WEB_PORT: nowhere,
					E2E_REALTIME_PORT: nowhere,
					E2E_MAILBOX_PORT: nowhere,
					...(process.env.E2E_CHROMIUM_PATH
						? { E2E_CHROMIUM_PATH: process.env.E2E_CHROMIUM_PATH }
						: {})
				},
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		let output = '';
		run.stdout.on('data', (d) => (output += d));
		run.stderr.on('data', (d) => (output += d));
		const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
		expect(code, output).toBe(0);
		// Nothing was started locally: serve.ts prints this line when it is.
		expect(output).not.toContain('[e2e] ready');

		const report = await readFile(junit, 'utf8');
		const suites = report.match(/<testsuites [^>]*>/)![0];
		const attr = (name: string) => Number(suites.match(new RegExp(`${name}="(\\d+)"`))![1]);
		expect(attr('tests'), report).toBeGreaterThanOrEqual(5);
		expect(attr('failures') + attr('errors'), report).toBe(0);
		// Every selected spec ran: none skipped for lack of a mailbox or the local servers.
		expect(attr('skipped'), report).toBe(0);
		// The mail specs read the deployment's mail over HTTP: it got there.
		const inbox = await (await fetch(`${mail.httpUrl}/api/v1/messages`)).json();
		expect(inbox.messages_count).toBeGreaterThan(0);
	}, 300_000);
});
