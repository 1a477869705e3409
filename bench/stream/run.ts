// Range-request throughput of GET /api/v1/tracks/:id/stream against nginx serving the same blob
// from disk, with the same load generator, ranges and concurrency in the same run.
//
//   node --import tsx bench/stream/run.ts [--clients 50] [--seconds 10] [--range-kib 256]
//     [--warmup 2] [--file-mb 10] [--seed 1] [--engine wrk|node] [--nginx-workers 1]
//     [--wrk-threads 1] [--verify 64] [--rounds 3] [--node-raw 1] [--accel 1]
//     [--accel-cache-sec 10]
//
// --accel 1 adds `ours_accel`: the same request through nginx (deploy/nginx/nginx.conf.template)
// in front of a web process with STREAM_ACCEL=/_blobs/, which authorises and hands the file to
// nginx with X-Accel-Redirect (scripts/lib/topology.ts startNginx); `ours_accel_cached` the same
// with STREAM_ACCEL_CACHE_SEC (nginx reuses the authorised answer per session and track).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../scripts/lib/postgres.ts';
import { BLOBS_PREFIX, startNginx as startFront, stopService } from '../../scripts/lib/topology.ts';
import { spawnNode, startWeb } from '../../tests/servers.ts';
import { makeAudio, MIME, PCM_BYTES_PER_SECOND } from '../lib/audio.ts';
import { startApp, tempDir, uploadFile, waitUntilProcessed } from '../lib/app.ts';
import { benchArgs, runBench, type Cleanup } from '../lib/harness.ts';
import {
	childPids,
	cpuSeconds,
	line,
	machineBusy,
	machineNote,
	MB,
	median,
	note,
	verdict
} from '../lib/measure.ts';
import {
	killLoadGenerators,
	runNodeLoad,
	runWrk,
	verifyRanges,
	wrkAvailable,
	type LoadOptions,
	type LoadResult
} from './load.ts';
import { startNginx } from './nginx.ts';

const args = benchArgs(
	{
		clients: 50,
		seconds: 10,
		'range-kib': 256,
		warmup: 2,
		'file-mb': 10,
		seed: 1,
		'nginx-workers': 1,
		'wrk-threads': 1,
		verify: 64,
		rounds: 3,
		'node-raw': 1,
		accel: 1,
		'accel-cache-sec': 10
	},
	{
		clients: [1, 1000],
		seconds: [1, 120],
		'range-kib': [1, 4096],
		warmup: [0, 30],
		'file-mb': [1, 200],
		seed: [0, 2 ** 31],
		'nginx-workers': [1, 16],
		'wrk-threads': [1, 16],
		verify: [0, 10_000],
		rounds: [1, 10],
		'node-raw': [0, 1],
		accel: [0, 1],
		'accel-cache-sec': [0, 300]
	},
	{ engine: ['wrk', 'node'] as const }
);

// Setup and teardown take well under two minutes; each of up to 5 targets runs warm-up + rounds x seconds.
const limitMs = (150 + 5 * (args.warmup + args.rounds * (args.seconds + 2))) * 1000;

interface Target {
	name: string;
	url: string;
	/** Processes whose CPU time is the server's. */
	pids: () => number[];
	/** For ours: the PostgreSQL backends serving it. */
	dbPids?: () => Promise<number[]>;
}

type Round = LoadResult & { serverCpuS: number; dbCpuS: number };

/** The plain node:http reference server (raw-node.ts) on a free loopback port. */
async function startRawNode(cleanup: Cleanup, file: string) {
	const port = await freePort();
	const script = new URL('./raw-node.ts', import.meta.url).pathname;
	const { child, output } = spawnNode(['--import', 'tsx', script, file, String(port)], {});
	cleanup.add('stop node_raw', async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((r) => child.once('exit', r));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	});
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 15_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`node_raw exited: ${output()}`);
		try {
			await fetch(`${url}/`, { headers: { range: 'bytes=0-0' } });
			return { url, pid: child.pid! };
		} catch {
			if (Date.now() > deadline) throw new Error(`node_raw did not start: ${output()}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}

/** Pids of the PostgreSQL backends connected to the app's database (local server only). */
async function backendPids(databaseUrl: string): Promise<number[]> {
	const client = new pg.Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		const { rows } = await client.query<{ pid: number }>(
			'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()'
		);
		return rows.map((r) => r.pid);
	} finally {
		await client.end();
	}
}

await runBench('stream bench', limitMs, async (cleanup) => {
	const engine = args.engine;
	if (engine === 'wrk' && !wrkAvailable()) {
		throw new Error('wrk is not installed: apt-get install -y wrk (or pass --engine node)');
	}
	const rangeBytes = args['range-kib'] * 1024;
	const work = await tempDir(cleanup, 'stream');

	// The app, one user and one uploaded track, fully processed so no background job competes.
	const app = await startApp(cleanup, 'stream', {
		UPLOAD_MAX_BYTES: String(300 * 1024 * 1024),
		LOG_LEVEL: 'warn'
	});
	const seconds = Math.ceil((args['file-mb'] * MB) / PCM_BYTES_PER_SECOND);
	const audio = await makeAudio(join(work, 'stream-bench.wav'), 'wav', seconds);
	if (audio.bytes < rangeBytes) throw new Error('--range-kib is larger than the file');
	const { track } = await uploadFile(app, audio.file, MIME.wav);
	await waitUntilProcessed(app, track.id, { pollMs: 100, timeoutMs: 60_000 });

	// nginx serves the very blob the app stores (content-addressed under DATA_DIR).
	const blobDir = join(app.dataDir, 'blobs', 'audio');
	const blob = join(blobDir, track.sha256);
	const size = (await stat(blob)).size;
	if (size !== audio.bytes) throw new Error(`blob is ${size} bytes, uploaded ${audio.bytes}`);
	const nginx = await startNginx(cleanup, { root: blobDir, workers: args['nginx-workers'] });

	const targets: Target[] = [
		{ name: 'nginx', url: `${nginx.url}/${track.sha256}`, pids: () => nginx.workerPids() },
		{
			name: 'ours',
			url: `${app.url}/api/v1/tracks/${track.id}/stream`,
			pids: () => [app.pid],
			dbPids: () => backendPids(app.databaseUrl)
		}
	];
	/** The same endpoint through the deployment's nginx config, the app answering X-Accel-Redirect. */
	const accelTarget = async (name: string, cacheSec: number): Promise<Target> => {
		// A web process of its own on the same database and blobs (the same cookie and track),
		// behind nginx with as many workers as the baseline.
		const web = await startWeb({
			DATABASE_URL: app.databaseUrl,
			...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
			RATE_LIMIT_NAMESPACE: `bench-${randomBytes(6).toString('hex')}`,
			DATA_DIR: app.dataDir,
			MEDIA_WORKER: 'false',
			LOG_LEVEL: 'warn',
			STREAM_ACCEL: BLOBS_PREFIX,
			STREAM_ACCEL_CACHE_SEC: String(cacheSec)
		});
		cleanup.add(`stop ${name} web server`, () => web.stop());
		const front = await startFront({
			dir: await tempDir(cleanup, name),
			port: await freePort(),
			workers: args['nginx-workers'],
			webServers: [`127.0.0.1:${web.port}`],
			// Unused here; the upstream needs a server.
			realtimeServers: ['127.0.0.1:9'],
			blobsDir: join(app.dataDir, 'blobs'),
			accessLog: 'off'
		});
		cleanup.add(`stop ${name} nginx`, () => stopService(front));
		const frontPid = front.child.pid!;
		return {
			name,
			url: `${front.url}/api/v1/tracks/${track.id}/stream`,
			pids: () => [web.child.pid!, ...childPids(frontPid)],
			dbPids: () => backendPids(app.databaseUrl)
		};
	};
	if (args.accel) targets.push(await accelTarget('ours_accel', 0));
	if (args.accel && args['accel-cache-sec'] > 0) {
		targets.push(await accelTarget('ours_accel_cached', args['accel-cache-sec']));
	}
	if (args['node-raw']) {
		const raw = await startRawNode(cleanup, blob);
		targets.splice(1, 0, {
			name: 'node_raw',
			url: `${raw.url}/${track.sha256}`,
			pids: () => [raw.pid]
		});
	}

	note(
		`chorus stream bench: ${args.clients} clients, random ${args['range-kib']} KiB ranges of a ` +
			`${(size / MB).toFixed(2)} MB WAV, keep-alive, ${args.rounds} round(s) of ${args.seconds} s ` +
			`per target (alternating order, ${args.warmup} s warm-up first), seed ${args.seed}`
	);
	await machineNote();
	note(
		engine === 'wrk'
			? `load: wrk, ${args['wrk-threads']} thread(s) (C, epoll) with ranges.lua; ` +
					`${nginx.version}, ${args['nginx-workers']} worker(s); ours: one Node process`
			: `load: node:http keep-alive client in this process (JavaScript: it competes for the ` +
					`same cores, so every target reads low); ${nginx.version}, ` +
					`${args['nginx-workers']} worker(s); ours: one Node process`
	);
	note(
		'server, load generator (and PostgreSQL for ours) share the same cores over loopback: ' +
			'compare the ratios, not the absolute numbers'
	);
	if (args['node-raw']) {
		note(
			'node_raw: plain node:http + fs stream of the same blob, no framework/auth/DB (reference)'
		);
	}
	if (args.accel) {
		note(
			'ours_accel: nginx (deploy template, same workers, no access log) -> web app with ' +
				'STREAM_ACCEL (session + track lookup) -> X-Accel-Redirect -> nginx sends the file; ' +
				'server_cpu counts that web process and the nginx workers'
		);
		if (args['accel-cache-sec'] > 0) {
			note(
				`ours_accel_cached: the same with STREAM_ACCEL_CACHE_SEC=${args['accel-cache-sec']} ` +
					'(one session, one track: after the first request nginx reuses the app’s answer)'
			);
		}
	}

	// Added last, so it runs first: no load while the servers are stopped.
	cleanup.add('stop load generator', killLoadGenerators);

	// Same bytes, same status, same Content-Range from every target before any timing.
	if (args.verify > 0) {
		const fileBytes = await readFile(blob);
		for (const t of targets) {
			const bad = await verifyRanges(
				{ url: t.url, cookie: app.cookie, fileSize: size, rangeBytes, seed: args.seed },
				fileBytes,
				args.verify
			);
			line(`${t.name}.verify_errors`, bad, `of ${args.verify}`, 0);
		}
	}

	const run = (o: LoadOptions) =>
		engine === 'wrk' ? runWrk({ ...o, threads: args['wrk-threads'] }) : runNodeLoad(o);
	const cpuSince = (pids: number[], from: number[]) =>
		pids.map(cpuSeconds).reduce((s, c, i) => s + (Number.isFinite(c) ? c - from[i]! : 0), 0);
	const rounds = new Map<string, Round[]>(targets.map((t) => [t.name, []]));
	const idleLoad: number[] = [];
	for (let round = 0; round < args.rounds; round++) {
		const order = round % 2 === 0 ? targets : [...targets].reverse();
		for (const t of order) {
			const opts: LoadOptions = {
				url: t.url,
				cookie: app.cookie,
				clients: args.clients,
				seconds: args.seconds,
				fileSize: size,
				rangeBytes,
				seed: args.seed + round
			};
			if (round === 0 && args.warmup > 0) {
				await run({ ...opts, seconds: args.warmup, seed: args.seed + 1000 });
			}
			// What the CPUs do between runs, less our own processes, is someone else's work.
			const own = [process.pid, ...targets.flatMap((x) => x.pids())];
			const db =
				(await targets
					.find((x) => x.dbPids)
					?.dbPids?.()
					.catch(() => [])) ?? [];
			idleLoad.push(await machineBusy(300, [...own, ...db, nginx.pid]));
			const pids = t.pids();
			const cpu0 = pids.map(cpuSeconds);
			// Backends opened during the run are missed; the pool is warm after the warm-up.
			const dbPids = (await t.dbPids?.().catch(() => [])) ?? [];
			const db0 = dbPids.map(cpuSeconds);
			const r = await run(opts);
			rounds
				.get(t.name)!
				.push({ ...r, serverCpuS: cpuSince(pids, cpu0), dbCpuS: cpuSince(dbPids, db0) });
		}
	}

	const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
	const summary: Record<string, { rps: number; p99: number; errors: number }> = {};
	for (const t of targets) {
		const rs = rounds.get(t.name)!;
		const p = t.name;
		const perCore = (cpuS: (r: Round) => number) =>
			median(rs.map((r) => (cpuS(r) / r.durationS) * 100));
		const rps = median(rs.map((r) => r.requests / r.durationS));
		const errors = sum(rs.map((r) => r.socketErrors + r.statusErrors));
		const p99 = median(rs.map((r) => r.p99Ms));
		const requests = sum(rs.map((r) => r.requests));
		summary[p] = { rps, p99, errors };
		line(`${p}.requests`, requests, 'req', 0);
		line(`${p}.requests_per_s`, rps, 'req/s', 1);
		line(`${p}.throughput`, median(rs.map((r) => r.bytes / MB / r.durationS)), 'MB/s', 1);
		line(`${p}.latency_p50`, median(rs.map((r) => r.p50Ms)), 'ms');
		line(`${p}.latency_p95`, median(rs.map((r) => r.p95Ms)), 'ms');
		line(`${p}.latency_p99`, p99, 'ms');
		line(`${p}.latency_max`, Math.max(...rs.map((r) => r.maxMs)), 'ms');
		line(`${p}.errors`, errors, 'count', 0);
		line(
			`${p}.server_cpu`,
			perCore((r) => r.serverCpuS),
			'% of a core',
			0
		);
		if (t.dbPids)
			line(
				`${p}.postgres_cpu`,
				perCore((r) => r.dbCpuS),
				'% of a core',
				0
			);
		line(
			`${p}.loadgen_cpu`,
			perCore((r) => r.clientCpuS),
			'% of a core',
			0
		);
		if (rs.length > 1) {
			note(
				`${p} req/s by round: ${rs.map((r) => (r.requests / r.durationS).toFixed(0)).join(', ')}`
			);
		}
		// wrk counts headers too and cannot tell a 200 from a 206: a full-file answer shows here.
		const perResponse = sum(rs.map((r) => r.bytes)) / Math.max(1, requests);
		if (perResponse > rangeBytes + 4096) {
			note(
				`${p}: ${perResponse.toFixed(0)} bytes per response, expected ~${rangeBytes}: not ranges?`
			);
		}
	}

	const otherLoad = Math.max(...idleLoad);
	note(
		`other processes' CPU use between runs: up to ${(otherLoad * 100).toFixed(0)}% of all cores`
	);
	if (otherLoad > 0.15) note('WARNING: other processes competed for the CPUs; rerun when idle');
	const nginxRps = summary.nginx!.rps;
	const ours = summary.ours!;
	line('ratio_throughput ours/nginx', ours.rps / nginxRps, 'x', 3);
	line('ratio_p99 ours/nginx', ours.p99 / summary.nginx!.p99, 'x', 2);
	if (summary.node_raw) {
		line('ratio_throughput ours/node_raw', ours.rps / summary.node_raw.rps, 'x', 3);
	}
	for (const name of ['ours_accel', 'ours_accel_cached']) {
		const t = summary[name];
		if (!t) continue;
		line(`ratio_throughput ${name}/nginx`, t.rps / nginxRps, 'x', 3);
		line(`ratio_p99 ${name}/nginx`, t.p99 / summary.nginx!.p99, 'x', 2);
		line(`ratio_throughput ${name}/ours`, t.rps / ours.rps, 'x', 2);
	}
	// Judged: every way of serving that was measured (production runs one of the accel ones).
	for (const name of ['ours', 'ours_accel', 'ours_accel_cached']) {
		const t = summary[name];
		if (!t) continue;
		const ratio = t.rps / nginxRps;
		verdict(`${name} throughput >= 0.5x nginx`, ratio >= 0.5, `${ratio.toFixed(3)}x`);
		verdict(`${name} p99 < 20 ms`, t.p99 < 20, `${t.p99.toFixed(2)} ms`);
		verdict(`${name} no errors`, t.errors === 0, `${t.errors} errors`);
	}
});
