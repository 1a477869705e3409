import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

/** The ffmpeg binary: `FFMPEG_PATH` (e.g. a system ffmpeg in Docker) or the bundled static build. */
export function ffmpegPath(): string {
	return process.env.FFMPEG_PATH || ffmpegInstaller.path;
}

export interface RunFfmpegOptions {
	/** Piped to ffmpeg's stdin (use `-i pipe:0` in args); without it stdin is closed at once. */
	input?: Readable;
	/** The process is killed (SIGKILL) and the call rejects after this long. */
	timeoutMs: number;
	/** Streaming consumer for stdout; when set, stdout is not collected. */
	onStdout?: (chunk: Buffer) => void;
	/** Collected stdout beyond this rejects (and kills ffmpeg). Default 64 MiB. */
	maxOutputBytes?: number;
}

export interface FfmpegResult {
	/** Collected stdout (empty when `onStdout` is used). */
	stdout: Buffer;
	/** The first 64 KiB of stderr. */
	stderr: string;
}

export class FfmpegError extends Error {
	readonly stderr: string;
	readonly exitCode: number | null;

	constructor(message: string, stderr: string, exitCode: number | null) {
		super(message);
		this.name = 'FfmpegError';
		this.stderr = stderr;
		this.exitCode = exitCode;
	}
}

const MAX_STDERR = 64 * 1024;

/**
 * Runs ffmpeg with an argument array (never a shell). Resolves when it exits with status 0;
 * rejects with an FfmpegError (carrying stderr) on a non-zero exit, a timeout or too much output.
 */
export function runFfmpeg(args: string[], opts: RunFfmpegOptions): Promise<FfmpegResult> {
	const { input, timeoutMs, onStdout, maxOutputBytes = 64 * 1024 * 1024 } = opts;
	const fullArgs = ['-hide_banner', ...(input ? [] : ['-nostdin']), ...args];
	return new Promise((resolve, reject) => {
		const child = spawn(ffmpegPath(), fullArgs, {
			stdio: ['pipe', 'pipe', 'pipe'],
			shell: false,
			windowsHide: true
		});
		const out: Buffer[] = [];
		let outBytes = 0;
		let stderr = '';
		let failure: string | undefined;
		const fail = (message: string) => {
			failure ??= message;
			child.kill('SIGKILL');
		};
		const timer = setTimeout(() => fail(`ffmpeg timed out after ${timeoutMs} ms`), timeoutMs);

		child.stdout.on('data', (chunk: Buffer) => {
			if (onStdout) {
				try {
					onStdout(chunk);
				} catch (err) {
					fail(`ffmpeg output handler failed: ${(err as Error).message}`);
				}
				return;
			}
			outBytes += chunk.length;
			if (outBytes > maxOutputBytes) return fail(`ffmpeg output exceeded ${maxOutputBytes} bytes`);
			out.push(chunk);
		});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			if (stderr.length < MAX_STDERR) stderr += chunk.slice(0, MAX_STDERR - stderr.length);
		});
		// ffmpeg may stop reading early (e.g. `-t`); that EPIPE is not an error of ours.
		child.stdin.on('error', () => {});
		if (input) {
			input.on('error', (err) => fail(`ffmpeg input failed: ${err.message}`));
			input.pipe(child.stdin);
		} else {
			child.stdin.end();
		}
		// A failed spawn may or may not be followed by 'close'; the first settlement wins.
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(new FfmpegError(`ffmpeg could not be started: ${err.message}`, stderr, null));
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			input?.unpipe(child.stdin);
			if (failure) return reject(new FfmpegError(failure, stderr, code));
			if (code !== 0) {
				const detail = stderr.trim().split('\n').slice(-3).join(' | ');
				return reject(new FfmpegError(`ffmpeg exited with ${code}: ${detail}`, stderr, code));
			}
			resolve({ stdout: Buffer.concat(out), stderr });
		});
	});
}
