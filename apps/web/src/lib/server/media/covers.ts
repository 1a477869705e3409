import { createHash } from 'node:crypto';
import sharp, { type Metadata, type Sharp } from 'sharp';

export const COVER_SIZES = { sm: 96, md: 300, lg: 600 } as const;
export type CoverSize = keyof typeof COVER_SIZES;
export type CoverSet = Record<CoverSize, Buffer>;

/** Larger inputs are refused before decoding (decompression bombs). */
export const MAX_COVER_PIXELS = 40_000_000;
const WEBP_QUALITY = 80;

export type ImageFormat = 'jpeg' | 'png' | 'webp';
export type ImageErrorCode = 'UNSUPPORTED_IMAGE' | 'IMAGE_TOO_LARGE';

export class ImageError extends Error {
	readonly code: ImageErrorCode;

	constructor(code: ImageErrorCode, message: string) {
		super(message);
		this.name = 'ImageError';
		this.code = code;
	}
}

/** Format by magic bytes, so sharp's other decoders (SVG, GIF, TIFF, …) never see the input. */
function sniff(input: Buffer): ImageFormat | null {
	if (input.length >= 3 && input[0] === 0xff && input[1] === 0xd8 && input[2] === 0xff) {
		return 'jpeg';
	}
	const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
	if (input.length >= 8 && png.every((b, i) => input[i] === b)) return 'png';
	if (
		input.length >= 12 &&
		input.toString('latin1', 0, 4) === 'RIFF' &&
		input.toString('latin1', 8, 12) === 'WEBP'
	) {
		return 'webp';
	}
	return null;
}

const open = (input: Buffer) =>
	sharp(input, { limitInputPixels: MAX_COVER_PIXELS, failOn: 'error', autoOrient: true });

const tooLarge = () =>
	new ImageError('IMAGE_TOO_LARGE', `Image has more than ${MAX_COVER_PIXELS} pixels`);

/** sharp enforces limitInputPixels with an error rather than a code. */
function imageError(err: unknown): ImageError {
	const message = err instanceof Error ? err.message : String(err);
	if (/exceeds pixel limit/i.test(message)) return tooLarge();
	return new ImageError('UNSUPPORTED_IMAGE', `Unreadable image: ${message}`);
}

/** Validates an uploaded or embedded image by its bytes. Rejects with an ImageError. */
export async function probeImage(
	input: Buffer
): Promise<{ format: ImageFormat; width: number; height: number }> {
	const sniffed = sniff(input);
	if (!sniffed) throw new ImageError('UNSUPPORTED_IMAGE', 'Only JPEG, PNG and WebP are accepted');
	let meta: Metadata;
	try {
		meta = await open(input).metadata();
	} catch (err) {
		throw imageError(err);
	}
	if (meta.format !== sniffed) {
		throw new ImageError(
			'UNSUPPORTED_IMAGE',
			`Image claims ${sniffed} but decodes as ${meta.format}`
		);
	}
	const { width, height } = meta;
	if (!width || !height) throw new ImageError('UNSUPPORTED_IMAGE', 'Image has no dimensions');
	if (width * height > MAX_COVER_PIXELS) throw tooLarge();
	return { format: sniffed, width, height };
}

async function renderAll(image: Sharp): Promise<CoverSet> {
	const entries = await Promise.all(
		(Object.entries(COVER_SIZES) as [CoverSize, number][]).map(async ([name, px]) => {
			const data = await image
				.clone()
				.resize(px, px, { fit: 'cover', position: 'centre' })
				.webp({ quality: WEBP_QUALITY })
				.toBuffer();
			return [name, data] as const;
		})
	);
	return Object.fromEntries(entries) as CoverSet;
}

/** Square, centre-cropped WebP covers in every size. Rejects with an ImageError. */
export async function renderCovers(input: Buffer): Promise<CoverSet> {
	await probeImage(input);
	try {
		return await renderAll(open(input));
	} catch (err) {
		// The header can be fine while the pixel data is not (e.g. a truncated JPEG).
		throw imageError(err);
	}
}

/** `hsl()` as `#rrggbb`, so the SVG does not depend on the renderer's CSS colour support. */
function hslHex(h: number, s: number, l: number): string {
	const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
	const channel = (n: number) => {
		const k = (n + h / 30) % 12;
		const v = l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
		return Math.round(v * 255)
			.toString(16)
			.padStart(2, '0');
	};
	return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** A deterministic gradient cover for tracks without art; colours derive from `seed`. */
export async function placeholderCover(seed: string): Promise<CoverSet> {
	const hash = createHash('sha256').update(seed).digest();
	const hue1 = hash.readUInt16BE(0) % 360;
	const hue2 = (hue1 + 40 + (hash[2]! % 140)) % 360;
	const sat = 55 + (hash[3]! % 30);
	const angle = hash[4]! % 2 === 0 ? 'x2="1" y2="1"' : 'x1="1" x2="0" y2="1"';
	const px = COVER_SIZES.lg;
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}">
<defs><linearGradient id="g" ${angle}>
<stop offset="0" stop-color="${hslHex(hue1, sat, 55)}"/>
<stop offset="1" stop-color="${hslHex(hue2, sat, 35)}"/>
</linearGradient></defs>
<rect width="100%" height="100%" fill="url(#g)"/>
</svg>`;
	return renderAll(sharp(Buffer.from(svg)));
}
