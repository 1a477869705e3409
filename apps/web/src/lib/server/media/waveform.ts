import { open } from 'node:fs/promises';
import { FfmpegError, FfmpegNotFoundError, runFfmpeg } from './ffmpeg.ts';

export interface Waveform {
	version: 1;
	/** Max absolute amplitude per bucket, 0..1, three decimals. */
	peaks: number[];
	/** Length of the decoded audio (not the header's claim). */
	durationMs: number;
	/** Rate of the analysed signal (the decode is resampled to this), not the file's own rate. */
	sampleRate: number;
}

export const WAVEFORM_SAMPLE_RATE = 8000;
export const DEFAULT_PEAKS = 1000;

/**
 * Demuxers ffmpeg may use on uploads ('mov' covers mp4/m4a). Playlist and concat demuxers would
 * let a crafted file make ffmpeg open other files or URLs.
 */
export const AUDIO_DEMUXERS = ['mp3', 'flac', 'ogg', 'wav', 'mov', 'aac'];

/** ffmpeg input args for an uploaded file: local files only, audio demuxers only. */
function inputArgs(filePath: string): string[] {
	return [
		'-protocol_whitelist',
		'file',
		'-format_whitelist',
		AUDIO_DEMUXERS.join(','),
		// `file:` keeps a name like `concat:a|b` or `http:x` from being read as a protocol.
		'-i',
		`file:${filePath}`
	];
}

const PCM_OUTPUT = ['-map', '0:a:0', '-ac', '1', '-ar', String(WAVEFORM_SAMPLE_RATE)];

/**
 * Running max-abs per block of samples. Memory stays bounded on any length of audio: when the
 * block array fills up, neighbouring blocks are merged and the block size doubles.
 */
class BlockPeaks {
	private readonly blocks: Uint16Array;
	private count = 0;
	private blockSize = 16;
	private current = 0;
	private inBlock = 0;
	private carry: number | undefined; // odd trailing byte of the previous chunk
	samples = 0;

	constructor(capacity: number) {
		this.blocks = new Uint16Array(capacity + (capacity % 2));
	}

	push(chunk: Buffer) {
		let start = 0;
		if (this.carry !== undefined && chunk.length > 0) {
			const lo = this.carry;
			this.carry = undefined;
			this.add((((chunk[0]! << 8) | lo) << 16) >> 16);
			start = 1;
		}
		const end = chunk.length - ((chunk.length - start) % 2);
		for (let i = start; i < end; i += 2) this.add(chunk.readInt16LE(i));
		if (end < chunk.length) this.carry = chunk[end];
	}

	private add(sample: number) {
		const abs = sample < 0 ? -sample : sample;
		if (abs > this.current) this.current = abs;
		this.samples++;
		if (++this.inBlock === this.blockSize) this.closeBlock();
	}

	private closeBlock() {
		if (this.count === this.blocks.length) {
			const half = this.blocks.length / 2;
			for (let j = 0; j < half; j++) {
				this.blocks[j] = Math.max(this.blocks[2 * j]!, this.blocks[2 * j + 1]!);
			}
			this.count = half;
			this.blockSize *= 2;
		}
		this.blocks[this.count++] = this.current;
		this.current = 0;
		this.inBlock = 0;
	}

	/** Downsamples to `n` buckets; with fewer blocks than buckets, blocks are repeated. */
	peaks(n: number): number[] {
		if (this.inBlock > 0) this.closeBlock();
		const b = this.count;
		const out = new Array<number>(n);
		for (let i = 0; i < n; i++) {
			const from = Math.floor((i * b) / n);
			const to = Math.max(Math.floor(((i + 1) * b) / n), from + 1);
			let max = 0;
			for (let j = from; j < to; j++) if (this.blocks[j]! > max) max = this.blocks[j]!;
			out[i] = Math.round((max / 32768) * 1000) / 1000;
		}
		return out;
	}
}

/**
 * Decodes the whole file (streamed, mono, 8 kHz) and returns its peak envelope. Rejects when
 * ffmpeg fails or nothing decodes. Roughly 0.5 s per 5 minutes of audio.
 */
export async function computeWaveform(
	filePath: string,
	opts: { peaks?: number; timeoutMs?: number } = {}
): Promise<Waveform> {
	const n = opts.peaks ?? DEFAULT_PEAKS;
	if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new RangeError(`Invalid peaks: ${n}`);
	const acc = new BlockPeaks(Math.max(32_768, 4 * n));
	try {
		await runFfmpeg(
			['-v', 'error', ...inputArgs(filePath), ...PCM_OUTPUT, '-f', 's16le', 'pipe:1'],
			{
				timeoutMs: opts.timeoutMs ?? 5 * 60_000,
				onStdout: (chunk) => acc.push(chunk)
			}
		);
	} catch (err) {
		if (err instanceof FfmpegNotFoundError) throw err;
		const detail = err instanceof FfmpegError ? err.message : String(err);
		throw new Error(`Could not decode audio: ${detail}`, { cause: err });
	}
	if (acc.samples === 0) throw new Error('Could not decode audio: no samples decoded');
	return {
		version: 1,
		peaks: acc.peaks(n),
		durationMs: Math.round((acc.samples * 1000) / WAVEFORM_SAMPLE_RATE),
		sampleRate: WAVEFORM_SAMPLE_RATE
	};
}

/** Decodes up to `seconds` from `startS`; resolves the sample count, or null on any ffmpeg error. */
async function decodeSpan(filePath: string, startS: number, seconds: number) {
	let bytes = 0;
	try {
		const { stderr } = await runFfmpeg(
			[
				'-v',
				'error',
				'-ss',
				startS.toFixed(3),
				'-t',
				String(seconds),
				...inputArgs(filePath),
				...PCM_OUTPUT,
				'-f',
				's16le',
				'pipe:1'
			],
			{ timeoutMs: 15_000, onStdout: (chunk) => (bytes += chunk.length) }
		);
		// With `-v error`, anything on stderr is a decode or demux error.
		if (stderr.trim() !== '') return null;
	} catch (err) {
		// No ffmpeg says nothing about the file: the upload must fail as a server error.
		if (err instanceof FfmpegNotFoundError) throw err;
		return null;
	}
	return Math.floor(bytes / 2);
}

/** Largest possible Ogg page: 27-byte header, 255 lacing values, 255 segments of 255 bytes. */
const MAX_OGG_PAGE = 27 + 255 + 255 * 255;

/**
 * Structural end-of-file checks for containers whose truncation a decoder shrugs off (and whose
 * duration, as music-metadata reads it, shrinks with the file): an Ogg file must end with a
 * complete page, a RIFF/WAVE file must be as long as its header says.
 */
async function containerEndIntact(filePath: string): Promise<boolean> {
	const fh = await open(filePath, 'r');
	try {
		const { size } = await fh.stat();
		const head = Buffer.alloc(12);
		await fh.read(head, 0, 12, 0);
		const magic = head.toString('latin1', 0, 4);
		if (magic === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') {
			const riffSize = head.readUInt32LE(4);
			// 0 and 0xFFFFFFFF mean "unknown" in streamed WAVs; some writers omit the final pad byte.
			return riffSize === 0 || riffSize === 0xffffffff || riffSize + 8 <= size + 1;
		}
		if (magic !== 'OggS') return true;
		const len = Math.min(size, MAX_OGG_PAGE);
		const tail = Buffer.alloc(len);
		await fh.read(tail, 0, len, size - len);
		// "OggS" can occur by chance inside packet data: look for a capture whose page ends
		// exactly at EOF.
		for (let from = len - 4; from >= 0;) {
			const at = tail.lastIndexOf('OggS', from);
			if (at < 0) break;
			from = at - 1;
			if (at + 27 > len || tail[at + 4] !== 0) continue;
			const segments = tail[at + 26]!;
			if (at + 27 + segments > len) continue;
			let pageEnd = at + 27 + segments;
			for (let k = 0; k < segments; k++) pageEnd += tail[at + 27 + k]!;
			// Not also requiring the end-of-stream flag: ripped streams often lack it yet play fine.
			if (pageEnd === len) return true;
		}
		return false;
	} finally {
		await fh.close();
	}
}

/**
 * Fast upload-time validity probe: decodes ~1 s at the start and the last ~2 s before the
 * declared end (`durationMs`, from the file's metadata), plus the structural end checks above.
 * A truncated or corrupt file fails to decode there or comes up short, without the whole file
 * being decoded. Each window must decode cleanly and yield at least half the audio it should.
 */
export async function decodeCheck(filePath: string, durationMs: number): Promise<boolean> {
	if (!Number.isFinite(durationMs) || durationMs <= 0) return false;
	const durationS = durationMs / 1000;
	const tailStart = Math.max(0, durationS - 2);
	const ok = (samples: number | null, expectedS: number) =>
		samples !== null && samples >= 0.5 * expectedS * WAVEFORM_SAMPLE_RATE;
	// The tail window runs past the declared end so a damaged last frame or page is read too.
	const tail = decodeSpan(filePath, tailStart, 3);
	const head = tailStart === 0 ? Promise.resolve(null) : decodeSpan(filePath, 0, 1);
	const [intact, headSamples, tailSamples] = await Promise.all([
		containerEndIntact(filePath).catch(() => false),
		head,
		tail
	]);
	if (!intact || !ok(tailSamples, durationS - tailStart)) return false;
	return tailStart === 0 || ok(headSamples, 1);
}
