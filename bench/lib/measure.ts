// Statistics, result lines (`name: value unit`) and /proc sampling shared by the benchmarks.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** Bytes per MB in every result (decimal, like `MB/s` in most tools). */
export const MB = 1e6;

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	if (s.length === 0) return NaN;
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Prints one result line: `name: value unit`. Numbers get `digits` decimals. */
export function line(name: string, value: number | string, unit = '', digits = 2): void {
	const v =
		typeof value === 'number' ? (Number.isFinite(value) ? value.toFixed(digits) : 'n/a') : value;
	console.log(`${name}: ${v}${unit ? ` ${unit}` : ''}`);
}

/** A comment line (context, caveats, verdicts); never parsed as a result. */
export function note(text: string): void {
	console.log(`# ${text}`);
}

export function verdict(what: string, ok: boolean, detail: string): void {
	note(`target ${what}: ${ok ? 'PASS' : 'FAIL'} (${detail})`);
}

function cpuTicks(): { busy: number; total: number } {
	const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
	const n = fields.map(Number);
	const idle = n[3]! + (n[4] ?? 0); // idle + iowait
	const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // without guest (counted in user)
	return { busy: total - idle, total };
}

/**
 * Share of all CPUs busy over the next `ms`, leaving out the processes in `exclude` (our own
 * servers): what remains is other work on the machine, which makes results noisy.
 */
export async function machineBusy(ms = 1000, exclude: number[] = []): Promise<number> {
	const own = () => exclude.map(cpuSeconds).filter(Number.isFinite);
	const a = cpuTicks();
	const ownA = own().reduce((x, y) => x + y, 0);
	await new Promise((r) => setTimeout(r, ms));
	const b = cpuTicks();
	const ownB = own().reduce((x, y) => x + y, 0);
	const busy = b.busy - a.busy - Math.max(0, ownB - ownA) * CLK_TCK;
	return Math.max(0, busy) / Math.max(1, b.total - a.total);
}

/** Machine facts, and a warning when something else already keeps the CPUs busy. */
export async function machineNote(): Promise<void> {
	const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
	const busy = await machineBusy();
	note(
		`machine: ${availableParallelism()} cores (${model}), node ${process.version}; ` +
			`CPU ${(busy * 100).toFixed(0)}% busy just before the run`
	);
	if (busy > 0.15) {
		note('WARNING: other processes are using the CPUs; expect noisy, lower numbers');
	}
}

const CLK_TCK = 100; // USER_HZ on Linux

/** User + system CPU seconds of a process so far, or NaN if it is gone. */
export function cpuSeconds(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the `(comm)`, which may itself contain spaces or parentheses.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
	} catch {
		return NaN;
	}
}

/** Pids whose parent is `pid` (e.g. nginx workers under the master). */
export function childPids(pid: number): number[] {
	const out: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) out.push(Number(entry));
		} catch {
			// exited meanwhile
		}
	}
	return out;
}

/** Resident set size in bytes (VmRSS), or NaN if the process is gone. */
export function rssBytes(pid: number): number {
	try {
		const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) * 1024 : NaN;
	} catch {
		return NaN;
	}
}

/** Samples a process's RSS every `everyMs` until stopped; bounded to `maxSamples`. */
export class RssSampler {
	private samples: { t: number; rss: number }[] = [];
	private timer: NodeJS.Timeout;

	constructor(
		readonly pid: number,
		everyMs = 20,
		private readonly maxSamples = 100_000
	) {
		this.sample();
		this.timer = setInterval(() => this.sample(), everyMs);
	}

	sample(): void {
		if (this.samples.length >= this.maxSamples) return;
		const rss = rssBytes(this.pid);
		if (Number.isFinite(rss)) this.samples.push({ t: performance.now(), rss });
	}

	/** RSS samples taken within [from, to] (performance.now() times). */
	values(from = 0, to = Infinity): number[] {
		return this.samples.filter((s) => s.t >= from && s.t <= to).map((s) => s.rss);
	}

	/** Peak RSS over [from, to]; NaN without samples. */
	peak(from = 0, to = Infinity): number {
		const v = this.values(from, to);
		return v.length ? Math.max(...v) : NaN;
	}

	count(from = 0, to = Infinity): number {
		return this.values(from, to).length;
	}

	stop(): void {
		clearInterval(this.timer);
	}
}
