// Renders the app icons (web app manifest, Apple touch icon) from static/icon.svg with sharp.
// The PNGs are committed; run again after changing the SVG: `pnpm --filter @chorus/web icons`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const staticDir = fileURLToPath(new URL('../static/', import.meta.url));
const svg = await readFile(`${staticDir}icon.svg`);
const BACKGROUND = '#7c5cff';

/** `any` icons: the full-bleed square with rounded corners, like the favicon. */
async function rounded(size: number, file: string) {
	const r = Math.round(size * 0.22);
	const mask = Buffer.from(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" rx="${r}"/></svg>`
	);
	await sharp(svg, { density: 300 })
		.resize(size, size)
		.composite([{ input: mask, blend: 'dest-in' }])
		.png()
		.toFile(`${staticDir}${file}`);
}

/**
 * Maskable (Android crops it to its own shape) and Apple touch icons: opaque, the glyph inside
 * the central 80% safe zone.
 */
async function padded(size: number, file: string) {
	const inner = Math.round(size * 0.8);
	const glyph = await sharp(svg, { density: 300 }).resize(inner, inner).png().toBuffer();
	const square = await sharp({
		create: { width: size, height: size, channels: 4, background: BACKGROUND }
	})
		.composite([{ input: glyph, gravity: 'center' }])
		.png()
		.toBuffer();
	// sharp composites last in a pipeline, so dropping the alpha channel takes a second one.
	await sharp(square).removeAlpha().png().toFile(`${staticDir}${file}`);
}

await rounded(192, 'icon-192.png');
await rounded(512, 'icon-512.png');
await padded(512, 'icon-maskable-512.png');
await padded(180, 'apple-touch-icon.png');
