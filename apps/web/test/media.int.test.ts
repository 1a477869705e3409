import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { parseFile } from 'music-metadata';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	AUDIO_KINDS,
	type AudioKind,
	id3ThenGarbage,
	makeAudio,
	makeGif,
	makeHugePng,
	makeJpeg,
	makePng,
	makeSvg,
	makeWebp,
	polyglot,
	randomBytesFile,
	truncate
} from '../../../tests/fixtures/audio.ts';
import {
	COVER_SIZES,
	type CoverSet,
	ImageError,
	placeholderCover,
	probeImage,
	renderCovers
} from '../src/lib/server/media/covers.ts';
import { computeWaveform, decodeCheck } from '../src/lib/server/media/waveform.ts';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-media-'));
});
afterAll(async () => {
	await rm(dir, { recursive: true, force: true });
});

// What the upload path will see per kind; the lead's reference table.
const EXPECTED: Record<AudioKind, { mime: string; ext: string; container: string; codec: string }> =
	{
		mp3: { mime: 'audio/mpeg', ext: 'mp3', container: 'MPEG', codec: 'MPEG 1 Layer 3' },
		flac: { mime: 'audio/flac', ext: 'flac', container: 'FLAC', codec: 'FLAC' },
		'ogg-vorbis': { mime: 'audio/ogg', ext: 'ogg', container: 'Ogg', codec: 'Vorbis I' },
		'ogg-opus': { mime: 'audio/ogg; codecs=opus', ext: 'opus', container: 'Ogg', codec: 'Opus' },
		wav: { mime: 'audio/wav', ext: 'wav', container: 'WAVE', codec: 'PCM' },
		m4a: { mime: 'audio/x-m4a', ext: 'm4a', container: 'M4A/isom/iso2', codec: 'MPEG-4/AAC' }
	};

const TAGS = {
	title: 'Tëst Title',
	artist: 'Some Artist',
	album: 'An Album',
	albumArtist: 'Various Artists',
	genre: 'Ambient',
	year: 2021,
	trackNo: 7
};
const COVER_KINDS = new Set<AudioKind>(['mp3', 'flac', 'm4a', 'ogg-vorbis', 'ogg-opus']);

const durationMsOf = async (file: string) =>
	Math.round(((await parseFile(file, { duration: true })).format.duration ?? 0) * 1000);

function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const start = performance.now();
	return fn().then((value) => [value, Math.round(performance.now() - start)]);
}

describe('audio fixtures', () => {
	const table: string[] = [];
	afterAll(() => console.log(`kind | file-type | container / codec\n${table.join('\n')}`));

	it.each(AUDIO_KINDS)(
		'%s: tags, cover and duration read back; detected by bytes',
		async (kind) => {
			const file = await makeAudio(dir, kind, { ...TAGS, cover: COVER_KINDS.has(kind) });
			const meta = await parseFile(file);
			const { common, format } = meta;
			// ffmpeg writes RIFF INFO as UTF-8, which music-metadata reads as Latin-1.
			const wavTitle = Buffer.from(TAGS.title, 'utf8').toString('latin1');
			expect(common.title).toBe(kind === 'wav' ? wavTitle : TAGS.title);
			expect(common.artist).toBe(TAGS.artist);
			expect(common.album).toBe(TAGS.album);
			// RIFF INFO has no album-artist field.
			if (kind !== 'wav') expect(common.albumartist).toBe(TAGS.albumArtist);
			expect(common.genre).toEqual([TAGS.genre]);
			expect(common.year).toBe(TAGS.year);
			expect(common.track.no).toBe(TAGS.trackNo);
			expect(format.duration).toBeGreaterThan(2.95);
			expect(format.duration).toBeLessThan(3.1);
			if (COVER_KINDS.has(kind)) {
				expect(common.picture).toHaveLength(1);
				expect(common.picture![0]!.format).toBe('image/jpeg');
				const { width, height } = await sharp(common.picture![0]!.data).metadata();
				expect([width, height]).toEqual([320, 320]);
			}

			const type = await fileTypeFromFile(file);
			expect(type).toEqual({ mime: EXPECTED[kind].mime, ext: EXPECTED[kind].ext });
			expect(format.container).toBe(EXPECTED[kind].container);
			expect(format.codec).toBe(EXPECTED[kind].codec);
			table.push(`${kind} | ${type?.mime} (.${type?.ext}) | ${format.container} / ${format.codec}`);
		}
	);

	it.each(AUDIO_KINDS)('%s: noTags leaves no tags', async (kind) => {
		const { common } = await parseFile(await makeAudio(dir, kind, { noTags: true }));
		expect(common.title).toBeUndefined();
		expect(common.artist).toBeUndefined();
		expect(common.album).toBeUndefined();
		expect(common.picture).toBeUndefined();
	});

	it('tells polyglots by their first bytes, not as audio', async () => {
		expect((await fileTypeFromFile(await polyglot(dir, 'png+mp3')))?.mime).toBe('image/png');
		expect((await fileTypeFromFile(await polyglot(dir, 'zip+mp3')))?.mime).toBe('application/zip');
	});
});

describe('computeWaveform', () => {
	it.each(AUDIO_KINDS)(
		'%s: 1000 peaks in 0..1 following the decay, deterministic',
		async (kind) => {
			const file = await makeAudio(dir, kind, { noTags: true });
			const wf = await computeWaveform(file);
			expect(wf.version).toBe(1);
			expect(wf.sampleRate).toBe(8000);
			expect(Math.abs(wf.durationMs - 3000)).toBeLessThan(60);
			expect(wf.peaks).toHaveLength(1000);
			expect(wf.peaks.every((p) => p >= 0 && p <= 1 && Number(p.toFixed(3)) === p)).toBe(true);
			const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
			const head = mean(wf.peaks.slice(10, 100));
			const tail = mean(wf.peaks.slice(-100, -10));
			expect(head).toBeGreaterThan(0.3);
			expect(tail).toBeGreaterThan(0.03);
			expect(head / tail).toBeGreaterThan(4); // exp(-2) envelope: ~6x from start to end
			expect(await computeWaveform(file)).toEqual(wf);
		}
	);

	it('honours the peaks option', async () => {
		const file = await makeAudio(dir, 'flac', { seconds: 1, noTags: true });
		expect((await computeWaveform(file, { peaks: 50 })).peaks).toHaveLength(50);
		// Fewer 16-sample blocks (500) than peaks: still exactly the requested count.
		expect((await computeWaveform(file, { peaks: 2000 })).peaks).toHaveLength(2000);
	});

	it('rejects on files that are not audio', async () => {
		const empty = join(dir, 'empty.mp3');
		await writeFile(empty, '');
		for (const file of [
			await randomBytesFile(dir, 256 * 1024),
			await id3ThenGarbage(dir),
			await polyglot(dir, 'png+mp3'), // the PNG demuxer is not on the whitelist
			empty
		]) {
			await expect(computeWaveform(file)).rejects.toThrow(/Could not decode audio/);
		}
	});
});

describe('decodeCheck', () => {
	it.each(AUDIO_KINDS)('%s: true when intact, false when cut in half', async (kind) => {
		const file = await makeAudio(dir, kind, { seconds: 6, noTags: true });
		const declared = await durationMsOf(file);
		expect(await decodeCheck(file, declared)).toBe(true);

		const cut = await truncate(file, 0.5);
		expect(await decodeCheck(cut, declared)).toBe(false);
		// At upload the duration comes from the cut file itself: some parsers then report the
		// shorter length (Ogg, WAV) and one fails outright (faststart M4A).
		const own = await durationMsOf(cut).catch(() => null);
		if (own !== null) expect(await decodeCheck(cut, own)).toBe(false);
	});

	it('is true for a short file', async () => {
		const file = await makeAudio(dir, 'mp3', { seconds: 1, noTags: true });
		expect(await decodeCheck(file, await durationMsOf(file))).toBe(true);
	});

	it('is false for garbage behind an ID3 tag, random bytes and a missing duration', async () => {
		expect(await decodeCheck(await id3ThenGarbage(dir), 3000)).toBe(false);
		expect(await decodeCheck(await randomBytesFile(dir, 64 * 1024), 3000)).toBe(false);
		const file = await makeAudio(dir, 'flac', { seconds: 1, noTags: true });
		expect(await decodeCheck(file, 0)).toBe(false);
		expect(await decodeCheck(file, Number.NaN)).toBe(false);
	});
});

describe('5-minute files (speed note, no timed assertions)', () => {
	const long: Partial<Record<'flac' | 'mp3', string>> = {};
	beforeAll(async () => {
		[long.flac, long.mp3] = await Promise.all([
			makeAudio(dir, 'flac', { seconds: 300, noTags: true }),
			makeAudio(dir, 'mp3', { seconds: 300, noTags: true })
		]);
	});

	it.each(['flac', 'mp3'] as const)('%s: waveform and decodeCheck', async (kind) => {
		const file = long[kind]!;
		const declared = await durationMsOf(file);
		const [wf, waveformMs] = await time(() => computeWaveform(file));
		expect(Math.abs(wf.durationMs - 300_000)).toBeLessThan(100);
		expect(wf.peaks).toHaveLength(1000);
		const checks: number[] = [];
		for (let i = 0; i < 3; i++) {
			const [ok, ms] = await time(() => decodeCheck(file, declared));
			expect(ok).toBe(true);
			checks.push(ms);
		}
		const cut = await truncate(file, 0.5);
		const [cutOk, cutMs] = await time(() => decodeCheck(cut, declared));
		expect(cutOk).toBe(false);
		console.log(
			`5-min ${kind}: computeWaveform ${waveformMs} ms; decodeCheck ${checks.join('/')} ms ` +
				`(intact, 3 runs), ${cutMs} ms (cut to 50%)`
		);
	});
});

describe('covers', () => {
	const expectCoverSet = async (set: CoverSet) => {
		expect(Object.keys(set).sort()).toEqual(['lg', 'md', 'sm']);
		for (const [name, px] of Object.entries(COVER_SIZES)) {
			const buf = set[name as keyof CoverSet];
			expect(await fileTypeFromBuffer(buf)).toEqual({ ext: 'webp', mime: 'image/webp' });
			const meta = await sharp(buf).metadata();
			expect([meta.format, meta.width, meta.height]).toEqual(['webp', px, px]);
		}
	};

	it.each([
		['jpeg', makeJpeg],
		['png', makePng],
		['webp', makeWebp]
	] as const)('probes and renders %s', async (format, make) => {
		const input = await readFile(await make(dir, 640, 480));
		expect(await probeImage(input)).toEqual({ format, width: 640, height: 480 });
		await expectCoverSet(await renderCovers(input));
	});

	it.each([
		[900, 300],
		[300, 900]
	])('centre-crops a %ix%i image', async (w, h) => {
		// Blue with a centred green square: a correct crop is all green.
		const covers = await renderCovers(await readFile(await makePng(dir, w, h)));
		for (const buf of Object.values(covers)) {
			const [r, g, b] = (await sharp(buf).stats()).channels;
			expect(g!.mean).toBeGreaterThan(240);
			expect(r!.mean).toBeLessThan(10);
			expect(b!.mean).toBeLessThan(10);
		}
	});

	it('rejects SVG, GIF, random bytes and broken JPEGs as UNSUPPORTED_IMAGE', async () => {
		const jpeg = await makeJpeg(dir, 400, 400);
		const inputs = [
			await readFile(await makeSvg(dir)),
			await readFile(await makeGif(dir, 64, 64)),
			await readFile(await randomBytesFile(dir, 4096)),
			Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
			await readFile(await truncate(jpeg, 0.5))
		];
		for (const [i, input] of inputs.entries()) {
			const render = renderCovers(input);
			await expect(render, `input ${i}`).rejects.toBeInstanceOf(ImageError);
			await expect(render).rejects.toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
			// A truncated JPEG has an intact header, so only decoding catches it.
			if (i < 4)
				await expect(probeImage(input)).rejects.toMatchObject({ code: 'UNSUPPORTED_IMAGE' });
		}
	});

	it('refuses a 10000x10000 PNG as IMAGE_TOO_LARGE', async () => {
		const input = await readFile(await makeHugePng(dir, 10_000, 10_000));
		expect(input.length).toBeLessThan(1024 * 1024);
		await expect(probeImage(input)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
		await expect(renderCovers(input)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
	});

	it('makes deterministic placeholders that differ per seed', async () => {
		const a = await placeholderCover('track-1');
		await expectCoverSet(a);
		const again = await placeholderCover('track-1');
		const other = await placeholderCover('track-2');
		for (const size of ['sm', 'md', 'lg'] as const) {
			expect(again[size].equals(a[size])).toBe(true);
			expect(other[size].equals(a[size])).toBe(false);
		}
	});
});
