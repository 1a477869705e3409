// bench/sync: how closely N headless Chromium listeners play one room together, through the
// app's own room page and RoomPlayer, with real audio. See bench/README.md ("bench/sync").
//
//   node --import tsx bench/sync/run.ts [--listeners 2,5,10] [--delay-ms 80] [--sample-ms 200]
//     [--out FILE]
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { tempDir, uploadFile, waitUntilProcessed } from '../lib/app.ts';
import { startDelayProxy, type DelayProxy } from '../lib/delay-proxy.ts';
import { runBench } from '../lib/harness.ts';
import { line, machineBusy, machineNote, median, note, verdict } from '../lib/measure.ts';
import {
	CONVERGED_MS,
	dist,
	errorVsTruth,
	isSteady,
	peakErrorMs,
	reconvergeMs,
	viewRound,
	type BenchEvent,
	type Dist,
	type PlayerSample,
	type Round,
	type TruthState
} from './analyse.ts';
import {
	launchChromium,
	mediaLog,
	newListenerPage,
	openRoom,
	sampleOne,
	type ListenerPage,
	type MediaLog
} from './listeners.ts';
import { createRoom, HostControl, registerHost, startServers, wallNow } from './room.ts';

const TRACK_SECONDS = 40;
const TRACKS = 3;
/** The script of one 60 s run, in ms after the first start (anchor of playback:play). */
const PLAN = {
	joinAt: 8_000,
	seekAt: 16_000,
	seekToMs: 25_000, // track 1 then ends by itself at ~34 s: the natural track change
	pauseAt: 24_000,
	resumeAt: 27_000,
	skipAt: 46_000,
	endAt: 60_000
};
/** Targets from the issue. */
const TARGET_SPREAD_P95_MS = 10;
const TARGET_RECONVERGE_MS = 2_000;
const TARGET_RATE_DELTA = 0.05;
const TIME_LIMIT_MS = 15 * 60_000;

function options() {
	const { values } = parseArgs({
		options: {
			listeners: { type: 'string', default: '2,5,10' },
			'delay-ms': { type: 'string', default: '80' },
			'sample-ms': { type: 'string', default: '200' },
			out: { type: 'string' }
		},
		strict: true,
		allowPositionals: false
	});
	const listeners = values.listeners.split(',').map(Number);
	const delayMs = Number(values['delay-ms']);
	const sampleMs = Number(values['sample-ms']);
	const bad = (msg: string) => {
		console.error(msg);
		process.exit(2);
	};
	if (listeners.some((n) => !Number.isInteger(n) || n < 2 || n > 20))
		bad(`--listeners must be a comma-separated list of 2..20, got ${values.listeners}`);
	if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > 1_000)
		bad(`--delay-ms must be in [0, 1000] (0: no delayed runs), got ${values['delay-ms']}`);
	if (!Number.isFinite(sampleMs) || sampleMs < 50 || sampleMs > 1_000)
		bad(`--sample-ms must be in [50, 1000], got ${values['sample-ms']}`);
	return {
		listeners,
		delays: delayMs > 0 ? [0, delayMs] : [0],
		sampleMs,
		out: values.out ?? join(tmpdir(), `chorus-bench-sync-${Date.now()}.json`)
	};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const sleepUntil = (wallMs: number) => sleep(wallMs - wallNow());

interface ScenarioData {
	n: number;
	delayMs: number;
	events: BenchEvent[];
	truth: TruthState[];
	rounds: Round[];
	listeners: { name: string; delayed: boolean; openedAt: number | null; media: MediaLog | null }[];
	/** Share of all CPUs busy during the run (everything: ours and anything else). */
	cpuBusy: number;
}

interface ScenarioResult {
	label: string;
	spread: Dist;
	/** Steady rounds in which a listener in the room was not playing the room's item. */
	notPlaying: number;
	/** Per event: time to re-converge, and the worst listener error in the 2 s after it. */
	reconverge: { kind: BenchEvent['kind']; ms: number | null; peakErrorMs: number | null }[];
	/** |error vs the server timeline| in steady state, by listener kind. */
	errorDirect: Dist;
	errorDelayed: Dist | null;
	/** |app's server-time estimate - true time| (the clock offset's error). */
	clockDirect: Dist;
	clockDelayed: Dist | null;
	maxRateDelta: number;
	seeksWhilePlaying: number;
	cpuBusy: number;
}

/** Item changes the server made by itself (a track ended): not caused by one of our commands. */
function trackEnds(truth: TruthState[], events: BenchEvent[]): BenchEvent[] {
	const out: BenchEvent[] = [];
	for (let i = 1; i < truth.length; i++) {
		const s = truth[i]!;
		if (s.itemId === truth[i - 1]!.itemId || s.itemId === null) continue;
		if (events.some((e) => Math.abs(e.atMs - s.anchorMs) < 1)) continue;
		out.push({ kind: 'track end', atMs: s.anchorMs });
	}
	return out;
}

function analyse(data: ScenarioData): ScenarioResult {
	const label = `n=${data.n},delay=${data.delayMs}`;
	const views = data.rounds.map((r) => viewRound(r, data.truth));
	const steady = views.filter((v) => isSteady(v, data.events));
	const spreads = steady.filter((v) => v.spreadMs !== null).map((v) => v.spreadMs!);
	const reconverge = data.events
		.map((e, i) => ({ e, next: data.events[i + 1]?.atMs ?? Infinity }))
		.filter(({ e }) => e.kind !== 'pause')
		.map(({ e, next }) => ({
			kind: e.kind,
			ms: reconvergeMs(views, e, next),
			peakErrorMs: peakErrorMs(data.rounds, data.truth, e, Math.min(2_000, next - e.atMs))
		}));

	const steadyTimes = new Set(steady.map((v) => v.t));
	const errs = { direct: [] as number[], delayed: [] as number[] };
	const clock = { direct: [] as number[], delayed: [] as number[] };
	let maxRateFromSamples = 0;
	for (const round of data.rounds) {
		round.samples.forEach((s: PlayerSample | null, i) => {
			if (!s) return;
			const kind = data.listeners[i]!.delayed ? 'delayed' : 'direct';
			maxRateFromSamples = Math.max(maxRateFromSamples, Math.abs(s.rate - 1));
			if (s.serverMs !== null) clock[kind].push(Math.abs(s.serverMs - s.wallMs));
			if (!steadyTimes.has(round.t)) return;
			const err = errorVsTruth(s, data.truth);
			if (err !== null) errs[kind].push(Math.abs(err));
		});
	}
	const media = data.listeners.map((l) => l.media);
	return {
		label,
		spread: dist(spreads),
		notPlaying: steady.filter((v) => v.playing < v.present).length,
		reconverge,
		errorDirect: dist(errs.direct),
		errorDelayed: errs.delayed.length ? dist(errs.delayed) : null,
		clockDirect: dist(clock.direct),
		clockDelayed: clock.delayed.length ? dist(clock.delayed) : null,
		maxRateDelta: Math.max(maxRateFromSamples, ...media.map((m) => m?.maxRateDelta ?? 0)),
		seeksWhilePlaying: media.reduce((a, m) => a + (m?.seeks.length ?? 0), 0),
		cpuBusy: data.cpuBusy
	};
}

function report(r: ScenarioResult): void {
	const k = (name: string, extra = '') => `sync.${name}{${r.label}${extra}}`;
	line(k('spread_p50_ms'), r.spread.p50, 'ms', 1);
	line(k('spread_p95_ms'), r.spread.p95, 'ms', 1);
	line(k('spread_max_ms'), r.spread.max, 'ms', 1);
	line(k('steady_rounds'), r.spread.n, '', 0);
	line(k('steady_rounds_not_all_playing'), r.notPlaying, '', 0);
	for (const { kind, ms, peakErrorMs } of r.reconverge) {
		const ev = `,event=${kind.replace(' ', '_')}`;
		line(k('reconverge_ms', ev), ms ?? 'never', ms === null ? '' : 'ms', 0);
		line(k('peak_error_after_event_ms', ev), peakErrorMs ?? NaN, 'ms', 1);
	}
	line(k('error_vs_server_p95_ms', ',listener=direct'), r.errorDirect.p95, 'ms', 1);
	if (r.errorDelayed)
		line(k('error_vs_server_p95_ms', ',listener=delayed'), r.errorDelayed.p95, 'ms', 1);
	line(k('clock_error_p95_ms', ',listener=direct'), r.clockDirect.p95, 'ms', 2);
	if (r.clockDelayed)
		line(k('clock_error_p95_ms', ',listener=delayed'), r.clockDelayed.p95, 'ms', 2);
	line(k('max_rate_delta_pct'), r.maxRateDelta * 100, '%', 2);
	line(k('seeks_while_playing'), r.seeksWhilePlaying, '', 0);
	line(k('machine_cpu_busy_pct'), r.cpuBusy * 100, '%', 0);
}

function summary(results: ScenarioResult[]): void {
	const f = (v: number | null | undefined, d = 1) =>
		v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d);
	const kinds: BenchEvent['kind'][] = ['start', 'join', 'seek', 'resume', 'track end', 'skip'];
	const head = [
		'config',
		'spread p50/p95/max ms',
		...kinds.map((k) => `${k} ms`),
		'err p95 direct/delayed',
		'max |rate-1|',
		'seeks',
		'cpu'
	];
	const rows = results.map((r) => [
		r.label,
		`${f(r.spread.p50)}/${f(r.spread.p95)}/${f(r.spread.max)}`,
		...kinds.map((k) => {
			const hits = r.reconverge.filter((x) => x.kind === k);
			return hits.length ? hits.map((x) => (x.ms === null ? 'never' : f(x.ms, 0))).join(',') : '-';
		}),
		`${f(r.errorDirect.p95)}/${f(r.errorDelayed?.p95)}`,
		`${f(r.maxRateDelta * 100, 2)}%`,
		String(r.seeksWhilePlaying),
		`${f(r.cpuBusy * 100, 0)}%`
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
	const fmt = (cells: string[]) => `# | ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
	console.log(fmt(head));
	console.log(`# |${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const row of rows) console.log(fmt(row));
}

await runBench('sync', TIME_LIMIT_MS, async (cleanup) => {
	const opts = options();
	await machineNote();
	const servers = await startServers(cleanup);
	const host = await registerHost(servers);

	// Real audio, one tone per track so a person listening in (--headed) hears the changes.
	const dir = await tempDir(cleanup, 'sync-audio');
	const tracks: { id: string; durationMs: number }[] = [];
	for (let i = 0; i < TRACKS; i++) {
		const file = await makeAudio(dir, 'mp3', {
			seconds: TRACK_SECONDS,
			frequencyHz: 330 + 110 * i,
			title: `Sync bench ${i + 1}`,
			artist: 'Bench',
			name: `sync-${i + 1}`
		});
		const { track } = await uploadFile(host, file, 'audio/mpeg');
		const ready = await waitUntilProcessed(host, track.id, { pollMs: 100, timeoutMs: 60_000 });
		tracks.push({ id: track.id, durationMs: ready.track.durationMs });
	}
	note(`${TRACKS} MP3 tracks of ${TRACK_SECONDS} s uploaded; sampling every ${opts.sampleMs} ms`);

	const browser = await launchChromium();
	cleanup.add('close chromium', () => browser.close());

	const all: ScenarioData[] = [];
	const results: ScenarioResult[] = [];
	for (const n of opts.listeners) {
		for (const delayMs of opts.delays) {
			const data = await scenario(n, delayMs);
			all.push(data);
			const result = analyse(data);
			results.push(result);
			report(result);
		}
	}
	await writeFile(opts.out, JSON.stringify({ plan: PLAN, sampleMs: opts.sampleMs, runs: all }));
	note(`raw samples, events and server timelines: ${opts.out}`);

	note(
		'summary (reconverge = ms from the event until spread <= 20 ms for 1 s, resolution = sampling)'
	);
	summary(results);
	// Targets from the issue: join, seek and track changes (a resume and the very first start
	// are reported above, but the issue sets no figure for them).
	const targeted: BenchEvent['kind'][] = ['join', 'seek', 'track end', 'skip'];
	for (const r of results) {
		verdict(
			`steady p95 spread <= ${TARGET_SPREAD_P95_MS} ms {${r.label}}`,
			r.spread.p95 <= TARGET_SPREAD_P95_MS,
			`${r.spread.p95.toFixed(1)} ms over ${r.spread.n} rounds`
		);
		const slow = r.reconverge.filter(
			(x) => targeted.includes(x.kind) && (x.ms === null || x.ms > TARGET_RECONVERGE_MS)
		);
		verdict(
			`re-converge to <= ${CONVERGED_MS} ms within ${TARGET_RECONVERGE_MS} ms of ${targeted.join('/')} {${r.label}}`,
			slow.length === 0,
			slow.length
				? slow
						.map((x) => `${x.kind}: ${x.ms === null ? 'never' : `${x.ms.toFixed(0)} ms`}`)
						.join(', ')
				: 'all of them'
		);
		verdict(
			`|playbackRate - 1| <= ${TARGET_RATE_DELTA * 100}% {${r.label}}`,
			r.maxRateDelta <= TARGET_RATE_DELTA + 1e-9,
			`${(r.maxRateDelta * 100).toFixed(2)}%; ${r.seeksWhilePlaying} seeks while playing`
		);
	}
	for (const n of opts.listeners) {
		const [base, slow] = opts.delays.map((d) =>
			results.find((r) => r.label === `n=${n},delay=${d}`)
		);
		if (base && slow) {
			line(
				`sync.spread_p95_ratio{n=${n}} delay${opts.delays[1]}/delay0`,
				slow.spread.p95 / base.spread.p95,
				'x'
			);
		}
	}

	async function scenario(n: number, delayMs: number): Promise<ScenarioData> {
		const label = `n=${n},delay=${delayMs}`;
		note(`run ${label}: room, ${n} guests, ${n - 1} listening from the start, 1 joining late`);
		const { roomId, listeners } = await createRoom(servers, host, `Sync bench ${label}`, n);
		const control = await HostControl.connect(servers, host, roomId);
		let proxy: DelayProxy | null = null;
		const pages: ListenerPage[] = [];
		try {
			for (const t of tracks) await control.queue(t.id);
			if (delayMs > 0) {
				proxy = await startDelayProxy({ host: '127.0.0.1', port: servers.realtime.port }, delayMs);
			}
			for (const [i, listener] of listeners.entries()) {
				// Listener 1 is the slow one: it is there from the start, so every event reaches it late.
				const override = i === 0 && proxy ? `http://localhost:${proxy.port}` : null;
				pages.push(await newListenerPage(browser, servers.webOrigin, listener, override));
			}
			const late = pages[n - 1]!;
			await Promise.all(pages.slice(0, -1).map((lp) => openRoom(lp, servers.webOrigin, roomId)));
			await sleep(1_500); // clock bursts (16 pings, ~50 ms apart) finish

			const rounds: Round[] = [];
			let sampling = true;
			const sampler = (async () => {
				while (sampling) {
					const began = performance.now();
					const samples = await Promise.all(pages.map(sampleOne));
					const walls = samples.filter((s) => s !== null).map((s) => s.wallMs);
					if (walls.length) rounds.push({ t: median(walls), samples });
					await sleep(opts.sampleMs - (performance.now() - began));
				}
			})();

			const busy = machineBusy(PLAN.endAt);
			const events: BenchEvent[] = [];
			const start = await control.playback('playback:play');
			events.push({ kind: 'start', atMs: start.anchorMs });
			const t0 = start.anchorMs;
			await sleepUntil(t0 + PLAN.joinAt);
			events.push({ kind: 'join', atMs: wallNow() });
			const joined = openRoom(late, servers.webOrigin, roomId);
			joined.catch(() => {}); // awaited below
			await sleepUntil(t0 + PLAN.seekAt);
			events.push({ kind: 'seek', atMs: (await control.seek(PLAN.seekToMs)).anchorMs });
			await sleepUntil(t0 + PLAN.pauseAt);
			events.push({ kind: 'pause', atMs: (await control.playback('playback:pause')).anchorMs });
			await sleepUntil(t0 + PLAN.resumeAt);
			events.push({ kind: 'resume', atMs: (await control.playback('playback:play')).anchorMs });
			await sleepUntil(t0 + PLAN.skipAt);
			events.push({ kind: 'skip', atMs: (await control.playback('playback:skip')).anchorMs });
			await sleepUntil(t0 + PLAN.endAt);
			sampling = false;
			await sampler;
			await joined;
			const cpuBusy = await busy;

			events.push(...trackEnds(control.truth, events));
			events.sort((a, b) => a.atMs - b.atMs);
			const media = await Promise.all(pages.map(mediaLog));
			if (proxy && proxy.connections() === 0)
				throw new Error('nothing went through the delay proxy');
			return {
				n,
				delayMs,
				events,
				truth: [...control.truth],
				rounds,
				listeners: pages.map((lp, i) => ({
					name: lp.listener.name,
					delayed: lp.delayed,
					openedAt: lp.openedAt,
					media: media[i] ?? null
				})),
				cpuBusy
			};
		} finally {
			await Promise.allSettled(pages.map((lp) => lp.context.close()));
			control.close();
			await proxy?.close();
		}
	}
});
