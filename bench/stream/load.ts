// Load generators for the Range benchmark: wrk (default, C, one epoll thread) driven by
// ranges.lua, and a keep-alive node:http client (exact status accounting, but it is JavaScript
// competing with the server for the same two cores).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { cpuSeconds, percentile } from '../lib/measure.ts';

export interface LoadOptions {
	url: string;
	cookie: string;
	clients: number;
	seconds: number;
	fileSize: number;
	rangeBytes: number;
	seed: number;
}

export interface LoadResult {
	requests: number;
	/** Bytes received: wrk counts whole responses (headers too), the node client bodies only. */
	bytes: number;
	durationS: number;
	/** Socket errors and timeouts. */
	socketErrors: number;
	/** Responses that were not 206 (node), or HTTP status >= 400 (wrk cannot see 200 vs 206). */
	statusErrors: number;
	p50Ms: number;
	p95Ms: number;
	p99Ms: number;
	maxMs: number;
	/** CPU seconds the load generator itself used. */
	clientCpuS: number;
}

export function wrkAvailable(): boolean {
	return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

const script = new URL('./ranges.lua', import.meta.url).pathname;

const running = new Set<ChildProcess>();

/** Kills any wrk still running (for the cleanup after an error or a signal). */
export function killLoadGenerators(): void {
	for (const child of running) child.kill('SIGKILL');
}

export function runWrk(opts: LoadOptions & { threads: number }): Promise<LoadResult> {
	const args = [
		'-t',
		String(opts.threads),
		'-c',
		String(opts.clients),
		'-d',
		`${opts.seconds}s`,
		'--timeout',
		'10s',
		'-s',
		script,
		opts.url,
		'--',
		String(opts.fileSize),
		String(opts.rangeBytes),
		String(opts.seed),
		opts.cookie
	];
	return new Promise((resolve, reject) => {
		const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		running.add(child);
		let out = '';
		let err = '';
		let cpu = NaN;
		child.stdout.on('data', (d: Buffer) => {
			out += d;
			// done() runs after the load stops and just before wrk exits: its CPU time is final.
			if (Number.isNaN(cpu) && out.includes('CHORUS_WRK') && child.pid) cpu = cpuSeconds(child.pid);
		});
		child.stderr.on('data', (d: Buffer) => (err += d));
		const killer = setTimeout(() => child.kill('SIGKILL'), (opts.seconds + 30) * 1000);
		child.on('error', (e) => {
			clearTimeout(killer);
			running.delete(child);
			reject(e);
		});
		child.on('close', (code) => {
			clearTimeout(killer);
			running.delete(child);
			const m = /^CHORUS_WRK (\{.*\})$/m.exec(out);
			if (code !== 0 || !m) return reject(new Error(`wrk failed (${code}): ${err}\n${out}`));
			const r = JSON.parse(m[1]!) as Record<string, number>;
			resolve({
				requests: r.requests!,
				bytes: r.bytes!,
				durationS: r.duration_us! / 1e6,
				socketErrors: r.connect! + r.read! + r.write! + r.timeout!,
				statusErrors: r.status!,
				p50Ms: r.p50_us! / 1000,
				p95Ms: r.p95_us! / 1000,
				p99Ms: r.p99_us! / 1000,
				maxMs: r.max_us! / 1000,
				clientCpuS: cpu
			});
		});
	});
}

/** mulberry32: a small seeded PRNG, so both targets get the same range sequence. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Fetched {
	status: number;
	contentRange: string | undefined;
	body: Buffer | null;
	bytes: number;
}

function get(
	agent: Agent,
	url: string,
	headers: Record<string, string>,
	keepBody: boolean
): Promise<Fetched> {
	return new Promise((resolve, reject) => {
		const req = request(url, { agent, headers }, (res) => {
			const chunks: Buffer[] = [];
			let bytes = 0;
			res.on('data', (c: Buffer) => {
				bytes += c.length;
				if (keepBody) chunks.push(c);
			});
			res.on('error', reject);
			res.on('end', () =>
				resolve({
					status: res.statusCode ?? 0,
					contentRange: res.headers['content-range'],
					body: keepBody ? Buffer.concat(chunks) : null,
					bytes
				})
			);
		});
		req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
		req.on('error', reject);
		req.end();
	});
}

function rangeHeaders(opts: LoadOptions, next: () => number): [number, Record<string, string>] {
	const start = Math.floor(next() * (opts.fileSize - opts.rangeBytes + 1));
	const headers: Record<string, string> = {
		range: `bytes=${start}-${start + opts.rangeBytes - 1}`
	};
	if (opts.cookie) headers.cookie = opts.cookie;
	return [start, headers];
}

/** Closed-loop load: `clients` keep-alive connections, each sending its next request at once. */
export async function runNodeLoad(opts: LoadOptions): Promise<LoadResult> {
	const agent = new Agent({ keepAlive: true, maxSockets: opts.clients });
	const next = prng(opts.seed);
	const latencies: number[] = [];
	let bytes = 0;
	let socketErrors = 0;
	let statusErrors = 0;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const deadline = t0 + opts.seconds * 1000;
	const client = async () => {
		while (performance.now() < deadline && latencies.length < 5_000_000) {
			const [, headers] = rangeHeaders(opts, next);
			const start = performance.now();
			try {
				const res = await get(agent, opts.url, headers, false);
				latencies.push(performance.now() - start);
				bytes += res.bytes;
				if (res.status !== 206 || res.bytes !== opts.rangeBytes) statusErrors++;
			} catch {
				socketErrors++;
				await new Promise((r) => setTimeout(r, 10));
			}
		}
	};
	await Promise.all(Array.from({ length: opts.clients }, client));
	const durationS = (performance.now() - t0) / 1000;
	const cpu = process.cpuUsage(cpu0);
	agent.destroy();
	const sorted = Float64Array.from(latencies).sort();
	return {
		requests: latencies.length,
		bytes,
		durationS,
		socketErrors,
		statusErrors,
		p50Ms: percentile(sorted, 50),
		p95Ms: percentile(sorted, 95),
		p99Ms: percentile(sorted, 99),
		maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
		clientCpuS: (cpu.user + cpu.system) / 1e6
	};
}

/**
 * Correctness before speed: `count` random ranges (8 at a time) must come back as 206 with the
 * right Content-Range and exactly the file's bytes. Returns the number of bad responses.
 */
export async function verifyRanges(
	opts: Omit<LoadOptions, 'clients' | 'seconds'>,
	file: Buffer,
	count: number
): Promise<number> {
	const agent = new Agent({ keepAlive: true, maxSockets: 8 });
	const next = prng(opts.seed ^ 0x5bd1e995);
	let bad = 0;
	let left = count;
	const worker = async () => {
		while (left-- > 0) {
			const [start, headers] = rangeHeaders({ ...opts, clients: 0, seconds: 0 }, next);
			const end = start + opts.rangeBytes - 1;
			try {
				const res = await get(agent, opts.url, headers, true);
				const ok =
					res.status === 206 &&
					res.contentRange === `bytes ${start}-${end}/${opts.fileSize}` &&
					res.body!.equals(file.subarray(start, end + 1));
				if (!ok) bad++;
			} catch {
				bad++;
			}
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
	agent.destroy();
	return bad;
}
