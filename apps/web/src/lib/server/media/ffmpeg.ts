import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import type { Readable } from 'node:stream';

/** ffmpeg could not be found: no usable `FFMPEG_PATH` and none on `PATH`. */
export class FfmpegNotFoundError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FfmpegNotFoundError';
	}
}

const INSTALL_HINT =
	'install ffmpeg (Debian/Ubuntu: `apt install ffmpeg`, macOS: `brew install ffmpeg`) ' +
	'or set FFMPEG_PATH to an ffmpeg binary';

function isExecutableFile(file: string): boolean {
	try {
		accessSync(file, constants.X_OK);
		return statSync(file).isFile();
	} catch {
		return false;
	}
}

/**
 * The ffmpeg binary that decodes uploads: `FFMPEG_PATH` when set, else `ffmpeg` on `PATH` (the
 * system's package, kept patched by the OS — untrusted files go through it, so no bundled static
 * build that nobody updates). Resolved on every call (a few stat calls, next to spawning ffmpeg)
 * so a changed environment is honoured. Throws FfmpegNotFoundError naming FFMPEG_PATH.
 */
export function ffmpegPath(env: NodeJS.ProcessEnv = process.env): string {
	const configured = env.FFMPEG_PATH?.trim();
	if (configured) {
		const file = resolvePath(configured);
		if (isExecutableFile(file)) return file;
		throw new FfmpegNotFoundError(
			`FFMPEG_PATH=${configured} is not an executable file: ${INSTALL_HINT}`
		);
	}
	const exe = process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg';
	for (const dir of (env.PATH ?? '').split(delimiter)) {
		// Empty or relative PATH entries would make the result depend on the working directory.
		if (!dir || !isAbsolute(dir)) continue;
		const file = join(dir, exe);
		if (isExecutableFile(file)) return file;
	}
	throw new FfmpegNotFoundError(`ffmpeg was not found on PATH: ${INSTALL_HINT}`);
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
 * Rejects with FfmpegNotFoundError when there is no ffmpeg to run.
 */
export function runFfmpeg(args: string[], opts: RunFfmpegOptions): Promise<FfmpegResult> {
	const { input, timeoutMs, onStdout, maxOutputBytes = 64 * 1024 * 1024 } = opts;
	const fullArgs = ['-hide_banner', ...(input ? [] : ['-nostdin']), ...args];
	// Not an FfmpegError: a missing binary is the server's fault, never the file's.
	let binary: string;
	try {
		binary = ffmpegPath();
	} catch (err) {
		return Promise.reject(err as Error);
	}
	return new Promise((resolve, reject) => {
		const child = spawn(binary, fullArgs, {
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
