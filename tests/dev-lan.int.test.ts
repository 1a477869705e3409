// `pnpm dev --lan` end to end: on a fresh database it seeds the demo, prints the demo room's
// invite link on the machine's LAN address (which answers), and stops with exit code 0 on Ctrl-C,
// without pnpm's failure lines.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickLanAddress } from '../scripts/lib/lan.ts';
import { freePort, repoRoot, testDatabase } from '../scripts/lib/postgres.ts';

const lanAddress = pickLanAddress();
const INVITE_LINE = /Demo room invite \(open it on a phone on the same Wi-Fi\): (\S+)/;

describe.skipIf(!lanAddress)('pnpm dev --lan', () => {
	it('prints the demo invite link on the LAN address and ends cleanly on Ctrl-C', async () => {
		const db = await testDatabase('devlan');
		const dataDir = await mkdtemp(join(tmpdir(), 'chorus-devlan-'));
		const [webPort, realtimePort] = [await freePort(), await freePort()];
		const { REDIS_URL: _redis, CHORUS_LAN_HOST: _host, ...env } = process.env;
		// Its own process group, like a terminal's foreground job: the SIGINT below is a Ctrl-C.
		const dev = spawn('pnpm', ['dev', '--lan'], {
			cwd: repoRoot,
			detached: true,
			env: {
				...env,
				DATABASE_URL: db.url,
				DATA_DIR: dataDir,
				WEB_PORT: String(webPort),
				REALTIME_PORT: String(realtimePort)
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		dev.stdout.on('data', (d) => (output += d));
		dev.stderr.on('data', (d) => (output += d));
		const exited = new Promise<number | null>((resolve) => dev.once('exit', resolve));
		let code: number | null;
		try {
			const deadline = Date.now() + 150_000;
			while (!INVITE_LINE.test(output) && dev.exitCode === null && Date.now() < deadline)
				await new Promise((r) => setTimeout(r, 250));
			const invite = output.match(INVITE_LINE)?.[1];
			expect(invite, output).toMatch(
				new RegExp(`^http://${lanAddress!.replaceAll('.', '\\.')}:${webPort}/invite/[\\w-]{43}$`)
			);
			// A terminal QR code follows for phones to scan (printed just after the link).
			await expect.poll(() => output, { timeout: 10_000 }).toContain('▄▄▄▄▄▄▄');
			const preview = await fetch(
				`http://${lanAddress}:${webPort}/api/v1/invites/${invite!.split('/').pop()}`
			);
			expect(preview.status).toBe(200);
			expect(((await preview.json()) as { room: { name: string } }).room.name).toBe(
				'Demo listening room'
			);
		} finally {
			if (dev.exitCode === null) process.kill(-dev.pid!, 'SIGINT');
			code = await exited;
			await db.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
		expect(code, output).toBe(0);
		expect(output).toContain('› Stopping');
		expect(output).not.toMatch(/ELIFECYCLE|ERR_PNPM/);
	}, 240_000);
});
