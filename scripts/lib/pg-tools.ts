// pg_dump / pg_restore from the machine's PostgreSQL client. They must be at least as new as the
// server (pg_dump refuses an older-than-server client; pg_restore cannot read archives written
// by a newer pg_dump), and Debian installs one set per major version side by side.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore';

export interface FoundTool {
	path: string;
	/** As printed, e.g. `15.20`. */
	version: string;
	major: number;
}

/** `pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` -> 15.20 / 15. */
async function versionOf(path: string): Promise<FoundTool | null> {
	try {
		const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
		const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout);
		if (!m) return null;
		return { path, version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) };
	} catch {
		return null;
	}
}

/** Debian/Ubuntu: /usr/lib/postgresql/<major>/bin, newest first. */
async function debianBinDirs(): Promise<string[]> {
	try {
		const majors = (await readdir('/usr/lib/postgresql')).filter((d) => /^\d+$/.test(d));
		return majors
			.sort((a, b) => Number(b) - Number(a))
			.map((d) => join('/usr/lib/postgresql', d, 'bin'));
	} catch {
		return [];
	}
}

/**
 * The first `tool` of major version >= `minMajor`: from `PG_BIN` when set (and only there),
 * else Debian's per-version directories, else `PATH`. Throws saying what to install.
 */
export async function findPgTool(
	tool: PgTool,
	minMajor: number,
	env: NodeJS.ProcessEnv = process.env
): Promise<FoundTool> {
	const pgBin = env.PG_BIN?.trim();
	const candidates = pgBin
		? [join(pgBin, tool)]
		: [...(await debianBinDirs()).map((dir) => join(dir, tool)), tool];
	const found: FoundTool[] = [];
	for (const candidate of candidates) {
		const v = await versionOf(candidate);
		if (!v) continue;
		if (v.major >= minMajor) return v;
		found.push(v);
	}
	const seen = found.length
		? `only ${found.map((f) => `${f.path} ${f.version}`).join(', ')} found`
		: `no ${tool} found${pgBin ? ` in PG_BIN=${pgBin}` : ''}`;
	throw new Error(
		`${tool} ${minMajor} or newer is needed for a PostgreSQL ${minMajor} server (${seen}): ` +
			`install the PostgreSQL ${minMajor} client (Debian/Ubuntu: apt install postgresql-client-${minMajor}, ` +
			`macOS: brew install postgresql@${minMajor}) or set PG_BIN to the directory holding ${tool}`
	);
}

/**
 * Runs a PostgreSQL client tool against `databaseUrl` (given as `--dbname`, its password through
 * PGPASSWORD so it does not show in the process list); rejects with the tool's stderr.
 */
export async function runPgTool(
	tool: FoundTool,
	databaseUrl: string,
	args: string[]
): Promise<void> {
	const url = new URL(databaseUrl);
	const password = decodeURIComponent(url.password);
	url.password = '';
	try {
		await run(tool.path, ['--dbname', url.toString(), ...args], {
			maxBuffer: 16 * 1024 * 1024,
			env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) }
		});
	} catch (err) {
		const stderr = (err as { stderr?: string }).stderr?.trim();
		throw new Error(`${tool.path} failed: ${stderr || (err as Error).message}`, { cause: err });
	}
}
