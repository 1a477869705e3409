import { resolveBinary } from 'dbmate';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './postgres.ts';

export const migrationsDir = join(repoRoot, 'prisma/migrations');

/** dbmate's Go driver defaults to sslmode=require; local servers speak plain TCP. */
function forDbmate(url: string): string {
	const u = new URL(url);
	if (!u.searchParams.has('sslmode') && ['localhost', '127.0.0.1', '::1'].includes(u.hostname)) {
		u.searchParams.set('sslmode', 'disable');
	}
	return u.toString();
}

/** Runs `dbmate up` (or another dbmate command) against the given database. */
export function dbmate(url: string, command: string[] = ['up'], quiet = false): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			resolveBinary(),
			['--url', forDbmate(url), '--migrations-dir', migrationsDir, '--no-dump-schema', ...command],
			{ stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit' }
		);
		let stderr = '';
		child.stderr?.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve()
				: reject(new Error(`dbmate ${command.join(' ')} failed (${code}): ${stderr}`))
		);
	});
}
