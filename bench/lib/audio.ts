// Benchmark-sized audio, made with the machine's ffmpeg (no downloads). The signal is independent
// white noise per channel plus a sine: unlike a pure tone, it does not compress away in FLAC, so
// file sizes are realistic for the duration. Deterministic for the same seed.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../apps/web/src/lib/server/media/ffmpeg.ts';

export type BenchAudioKind = 'flac' | 'mp3' | 'wav';

export const MIME: Record<BenchAudioKind, string> = {
	flac: 'audio/flac',
	mp3: 'audio/mpeg',
	wav: 'audio/wav'
};

const CODEC: Record<BenchAudioKind, string[]> = {
	flac: ['-c:a', 'flac', '-f', 'flac'],
	mp3: ['-c:a', 'libmp3lame', '-b:a', '320k', '-id3v2_version', '3', '-f', 'mp3'],
	wav: ['-c:a', 'pcm_s16le', '-f', 'wav']
};

/** Raw PCM rate of the generated signal: 44.1 kHz, stereo, 16 bit. */
export const PCM_BYTES_PER_SECOND = 44_100 * 2 * 2;

const ffmpeg = (args: string[], timeoutMs = 120_000) =>
	runFfmpeg(['-v', 'error', '-y', ...args], { timeoutMs });

function signal(seconds: number, seed: number): string {
	const d = seconds.toFixed(3);
	const noise = (s: number) => `anoisesrc=c=white:r=44100:a=0.35:s=${s}:d=${d}`;
	return (
		`${noise(seed)}[l];${noise(seed + 1)}[r];[l][r]amerge=inputs=2[n];` +
		`sine=f=440:r=44100:d=${d},pan=stereo|c0=c0|c1=c0[s];` +
		`[n][s]amix=inputs=2:duration=first,aformat=sample_fmts=s16:channel_layouts=stereo[out]`
	);
}

/** A 1000x1000 JPEG, the size of a typical embedded album cover. */
export async function makeCover(dir: string): Promise<string> {
	const file = join(dir, 'cover.jpg');
	await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=1000x1000', '-frames:v', '1', '-q:v', '3', file]);
	return file;
}

export interface MadeAudio {
	file: string;
	bytes: number;
	seconds: number;
}

/** `seconds` of the benchmark signal as `kind`, with `cover` embedded (FLAC/MP3) when given. */
export async function makeAudio(
	file: string,
	kind: BenchAudioKind,
	seconds: number,
	opts: { seed?: number; cover?: string; title?: string } = {}
): Promise<MadeAudio> {
	const args = ['-filter_complex', signal(seconds, opts.seed ?? 1)];
	const out = ['-map', '[out]'];
	if (opts.cover && kind !== 'wav') {
		args.push('-i', opts.cover);
		out.push('-map', '0:v', '-c:v', 'copy', '-disposition:v', 'attached_pic');
	}
	out.push('-metadata', `title=${opts.title ?? 'Chorus bench'}`, '-metadata', 'artist=Bench');
	await ffmpeg([...args, ...out, ...CODEC[kind], file], 600_000);
	return { file, bytes: (await stat(file)).size, seconds };
}

/**
 * Seconds of the signal that encode to about `targetBytes` as `kind`: measured on a short probe
 * for FLAC (its ratio depends on the signal), computed for constant-rate MP3 and WAV.
 */
export async function secondsForBytes(
	dir: string,
	kind: BenchAudioKind,
	targetBytes: number
): Promise<number> {
	if (kind === 'wav') return targetBytes / PCM_BYTES_PER_SECOND;
	if (kind === 'mp3') return targetBytes / (320_000 / 8);
	const probeSeconds = 20;
	const probe = await makeAudio(join(dir, 'probe.flac'), 'flac', probeSeconds);
	return (targetBytes / probe.bytes) * probeSeconds;
}

/**
 * A copy of `src` with a different comment tag and otherwise the same streams (no re-encode):
 * new bytes, so a new SHA-256, without paying for another encode.
 */
export async function retagged(src: string, dst: string, comment: string): Promise<string> {
	const kind = src.endsWith('.mp3') ? 'mp3' : src.endsWith('.flac') ? 'flac' : 'wav';
	const extra = kind === 'mp3' ? ['-id3v2_version', '3'] : [];
	await ffmpeg([
		'-i',
		src,
		'-map',
		'0',
		'-c',
		'copy',
		'-metadata',
		`comment=${comment}`,
		...extra,
		'-f',
		kind,
		dst
	]);
	return dst;
}
