// Upload (ingest) speed of POST /api/v1/tracks against `sha256sum` of the same file, the
// background processing (waveform + covers) against real time, and the web server's RSS growth
// during a large upload.
//
//   node --import tsx bench/ingest/run.ts [--runs 3] [--flac-mb 50] [--mp3-mb 10] [--rss-mb 200]
//     [--poll-ms 25]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
	makeAudio,
	makeCover,
	MIME,
	retagged,
	secondsForBytes,
	type BenchAudioKind,
	type MadeAudio
} from '../lib/audio.ts';
import {
	startApp,
	tempDir,
	uploadFile,
	waitUntilProcessed,
	type BenchApp,
	type TrackJson
} from '../lib/app.ts';
import { benchArgs, runBench } from '../lib/harness.ts';
import {
	line,
	machineBusy,
	machineNote,
	MB,
	median,
	note,
	RssSampler,
	verdict
} from '../lib/measure.ts';

const args = benchArgs(
	{ runs: 3, 'flac-mb': 50, 'mp3-mb': 10, 'rss-mb': 200, 'poll-ms': 25 },
	{
		runs: [1, 10],
		'flac-mb': [1, 250],
		'mp3-mb': [1, 250],
		'rss-mb': [0, 1000],
		'poll-ms': [5, 1000]
	}
);

const MiB = 1024 * 1024;
const PROCESSING_TIMEOUT_MS = 120_000;
// File generation (~1 min), the uploads and their processing, each bounded on its own too.
const limitMs = (240 + args.runs * 2 * 60 + (args['rss-mb'] > 0 ? 120 : 0)) * 1000;

/** Wall time of `sha256sum file` as a process, best of `tries`; checks the digest too. */
async function sha256sum(file: string, tries = 3): Promise<{ seconds: number; hex: string }> {
	let best = Infinity;
	let hex = '';
	for (let i = 0; i < tries; i++) {
		const t0 = performance.now();
		const out = await new Promise<string>((resolve, reject) => {
			const child = spawn('sha256sum', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
			let text = '';
			child.stdout.on('data', (d) => (text += d));
			const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				if (code === 0) resolve(text);
				else reject(new Error(`sha256sum exited with ${code}`));
			});
		});
		best = Math.min(best, (performance.now() - t0) / 1000);
		hex = out.split(' ')[0]!;
	}
	return { seconds: best, hex };
}

interface RunResult {
	uploadS: number;
	processS: number;
	totalS: number;
	durationS: number;
	cover: boolean;
}

/** Other processes' CPU use seen just before each upload (ours excluded). */
const otherLoad: number[] = [];

async function uploadAndProcess(app: BenchApp, file: string, kind: BenchAudioKind) {
	otherLoad.push(await machineBusy(200, [process.pid, app.pid]));
	const up = await uploadFile(app, file, MIME[kind]);
	const { track, at } = await waitUntilProcessed(app, up.track.id, {
		pollMs: args['poll-ms'],
		timeoutMs: PROCESSING_TIMEOUT_MS
	});
	return { up, track, readyAt: at };
}

const hasCover = (t: TrackJson) => !String(t.coverUrl).endsWith('v=placeholder');

async function benchKind(
	app: BenchApp,
	work: string,
	kind: 'flac' | 'mp3',
	targetMb: number,
	cover: string
): Promise<void> {
	const seconds = await secondsForBytes(work, kind, targetMb * MB);
	const base = await makeAudio(join(work, `base.${kind}`), kind, seconds, { cover, seed: 11 });
	// Fresh bytes per run (another comment tag, same audio): no dedupe short-cut, same work.
	const files: MadeAudio[] = [];
	for (let i = 1; i <= args.runs; i++) {
		const file = await retagged(base.file, join(work, `run${i}.${kind}`), `bench run ${i}`);
		files.push({ ...base, file });
	}
	const sum = await sha256sum(files[0]!.file);
	const shaMbps = base.bytes / MB / sum.seconds;

	const runs: RunResult[] = [];
	for (const [i, f] of files.entries()) {
		const { hex } = await sha256sum(f.file, 1);
		const { up, track, readyAt } = await uploadAndProcess(app, f.file, kind);
		if (up.track.sha256 !== hex)
			throw new Error(`run ${i + 1}: server hash ${up.track.sha256} != ${hex}`);
		runs.push({
			uploadS: up.ms / 1000,
			processS: (readyAt - up.endedAt) / 1000,
			totalS: (readyAt - up.startedAt) / 1000,
			durationS: track.durationMs / 1000,
			cover: hasCover(track)
		});
	}

	const p = kind;
	const uploadS = median(runs.map((r) => r.uploadS));
	const processS = median(runs.map((r) => r.processS));
	const totalS = median(runs.map((r) => r.totalS));
	const durationS = runs[0]!.durationS;
	const uploadMbps = base.bytes / MB / uploadS;
	const ratio = uploadMbps / shaMbps;
	const realtime = durationS / processS;
	line(`${p}.file_size`, base.bytes / MB, 'MB');
	line(`${p}.audio_duration`, durationS, 's', 1);
	line(`${p}.sha256sum_time`, sum.seconds * 1000, 'ms (best of 3)', 1);
	line(`${p}.sha256sum_throughput`, shaMbps, 'MB/s', 1);
	line(`${p}.upload_to_201`, uploadS * 1000, `ms (median of ${runs.length})`, 1);
	line(`${p}.upload_throughput`, uploadMbps, 'MB/s', 1);
	line(`${p}.ratio_upload/sha256sum`, ratio, 'x', 3);
	line(`${p}.processing_after_201`, processS * 1000, `ms (median of ${runs.length})`, 1);
	line(`${p}.processing_speed`, realtime, 'x real time', 1);
	line(`${p}.upload_to_ready`, totalS * 1000, 'ms', 1);
	line(`${p}.covers_extracted`, runs.filter((r) => r.cover).length, `of ${runs.length}`, 0);
	note(
		`${p} runs (upload ms / processing ms): ` +
			runs
				.map((r) => `${(r.uploadS * 1000).toFixed(0)}/${(r.processS * 1000).toFixed(0)}`)
				.join(', ')
	);
	verdict(`${p} upload >= 25% of sha256sum`, ratio >= 0.25, `${(ratio * 100).toFixed(1)}%`);
	verdict(`${p} processing >= 100x real time`, realtime >= 100, `${realtime.toFixed(1)}x`);
}

async function benchRss(app: BenchApp, work: string, targetMb: number): Promise<void> {
	const wav = await makeAudio(
		join(work, 'rss.wav'),
		'wav',
		await secondsForBytes(work, 'wav', targetMb * MB),
		{ seed: 23 }
	);
	const sampler = new RssSampler(app.pid, 20);
	try {
		// Idle baseline: the second before the upload.
		const idleFrom = performance.now();
		await new Promise((r) => setTimeout(r, 1000));
		const baseline = median(sampler.values(idleFrom, performance.now()));
		const { up, readyAt } = await uploadAndProcess(app, wav.file, 'wav');
		const peakUpload = sampler.peak(up.startedAt, up.endedAt);
		const peakProcessing = sampler.peak(up.endedAt, readyAt);
		line('rss.file_size', wav.bytes / MB, 'MB');
		line('rss.baseline', baseline / MiB, 'MiB', 1);
		line('rss.peak_during_upload', peakUpload / MiB, 'MiB', 1);
		line('rss.growth_during_upload', (peakUpload - baseline) / MiB, 'MiB', 1);
		line('rss.peak_during_processing', peakProcessing / MiB, 'MiB', 1);
		line('rss.growth_during_processing', (peakProcessing - baseline) / MiB, 'MiB', 1);
		line('rss.upload_to_201', up.ms, 'ms', 0);
		line('rss.samples_during_upload', sampler.count(up.startedAt, up.endedAt), 'count', 0);
		const growth = Math.max(peakUpload, peakProcessing) - baseline;
		verdict('RSS growth < 100 MB', growth < 100 * MB, `${(growth / MB).toFixed(1)} MB`);
	} finally {
		sampler.stop();
	}
}

await runBench('ingest bench', limitMs, async (cleanup) => {
	const work = await tempDir(cleanup, 'ingest');
	const maxUpload = Math.max(300 * MiB, Math.ceil((args['rss-mb'] * MB) / MiB + 64) * MiB);
	const app = await startApp(cleanup, 'ingest', { UPLOAD_MAX_BYTES: String(maxUpload) });

	note(
		`chorus ingest bench: ${args['flac-mb']} MB FLAC and ${args['mp3-mb']} MB MP3 (320k), ` +
			`${args.runs} upload(s) each (fresh bytes every time, medians reported), ` +
			`${args['rss-mb']} MB WAV for RSS; 1000x1000 JPEG cover embedded in FLAC/MP3`
	);
	await machineNote();
	note(
		'client, server, ffmpeg, PostgreSQL and sha256sum share the same cores; uploads go over ' +
			'loopback from the page cache, so this measures server-side cost, not the network'
	);
	note('MB = 10^6 bytes; RSS in MiB; upload time = first byte sent to end of the 201 response');

	// Warm-up: loads the upload and processing code paths once (lazy imports, JIT, pg pool).
	const cover = await makeCover(work);
	const warm = await makeAudio(join(work, 'warm.mp3'), 'mp3', 5, { cover, seed: 3 });
	await uploadAndProcess(app, warm.file, 'mp3');

	// RSS first, on a server that has not yet seen a large upload.
	if (args['rss-mb'] > 0) await benchRss(app, work, args['rss-mb']);
	await benchKind(app, work, 'flac', args['flac-mb'], cover);
	await benchKind(app, work, 'mp3', args['mp3-mb'], cover);

	const other = Math.max(...otherLoad);
	note(`other processes' CPU use before uploads: up to ${(other * 100).toFixed(0)}% of all cores`);
	if (other > 0.15) note('WARNING: other processes competed for the CPUs; rerun when idle');
});
