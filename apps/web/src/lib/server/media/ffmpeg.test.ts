// Which ffmpeg runs: real files in temp directories and real PATH values, no stand-ins for our code.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegNotFoundError, ffmpegPath, runFfmpeg } from './ffmpeg.ts';

let root: string;
let first: string;
let second: string;
let notExecutable: string;

/** A shell script standing in for ffmpeg that says which one it is. */
async function fakeFfmpeg(dir: string, name: string, mode = 0o755) {
	await mkdir(dir, { recursive: true });
	const file = join(dir, 'ffmpeg');
	await writeFile(file, `#!/bin/sh\necho "${name} $*"\n`);
	await chmod(file, mode);
	return file;
}

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'chorus-ffmpeg-'));
	first = join(root, 'first');
	second = join(root, 'second');
	notExecutable = join(root, 'plain');
	await fakeFfmpeg(first, 'first');
	await fakeFfmpeg(second, 'second');
	await fakeFfmpeg(notExecutable, 'plain', 0o644);
	await mkdir(join(root, 'empty'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe.skipIf(process.platform === 'win32')('ffmpegPath', () => {
	it('prefers FFMPEG_PATH over PATH', () => {
		const configured = join(second, 'ffmpeg');
		expect(ffmpegPath({ FFMPEG_PATH: configured, PATH: first })).toBe(configured);
	});

	it('takes the first executable ffmpeg on PATH, skipping non-executable and relative entries', () => {
		const PATH = [join(root, 'empty'), notExecutable, 'first', second, first].join(delimiter);
		expect(ffmpegPath({ PATH })).toBe(join(second, 'ffmpeg'));
		expect(ffmpegPath({ FFMPEG_PATH: '  ', PATH })).toBe(join(second, 'ffmpeg'));
	});

	it('refuses an FFMPEG_PATH that is not an executable file, naming it', () => {
		for (const bad of [join(root, 'missing'), join(notExecutable, 'ffmpeg'), first]) {
			expect(() => ffmpegPath({ FFMPEG_PATH: bad, PATH: second })).toThrow(
				new FfmpegNotFoundError(
					`FFMPEG_PATH=${bad} is not an executable file: install ffmpeg (Debian/Ubuntu: ` +
						'`apt install ffmpeg`, macOS: `brew install ffmpeg`) or set FFMPEG_PATH to an ffmpeg binary'
				)
			);
		}
	});

	it('says how to get one when PATH has none', () => {
		expect(() =>
			ffmpegPath({ PATH: [join(root, 'empty'), notExecutable].join(delimiter) })
		).toThrow(
			/^ffmpeg was not found on PATH: install ffmpeg .*apt install ffmpeg.*set FFMPEG_PATH/
		);
		expect(() => ffmpegPath({})).toThrow(FfmpegNotFoundError);
	});
});

describe.skipIf(process.platform === 'win32')('runFfmpeg', () => {
	const saved = { FFMPEG_PATH: process.env.FFMPEG_PATH, PATH: process.env.PATH };
	afterEach(() => {
		for (const [name, value] of Object.entries(saved)) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
	});

	it('runs the binary ffmpegPath() resolves', async () => {
		process.env.FFMPEG_PATH = join(second, 'ffmpeg');
		const { stdout } = await runFfmpeg(['-version'], { timeoutMs: 10_000 });
		expect(stdout.toString()).toBe('second -hide_banner -nostdin -version\n');
	});

	it('rejects with FfmpegNotFoundError, not a decode error, when there is none', async () => {
		delete process.env.FFMPEG_PATH;
		process.env.PATH = join(root, 'empty');
		await expect(runFfmpeg(['-version'], { timeoutMs: 10_000 })).rejects.toBeInstanceOf(
			FfmpegNotFoundError
		);
	});

	it('finds the machine ffmpeg this suite decodes with', async () => {
		const { stdout } = await runFfmpeg(['-version'], { timeoutMs: 10_000 });
		expect(stdout.toString()).toMatch(/^ffmpeg version /);
	});
});
