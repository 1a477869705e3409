import { createHash } from 'node:crypto';
import { coverKey, getStore } from '../blobs.ts';
import { renderCovers } from '../media/covers.ts';

/**
 * Renders an image (JPEG/PNG/WebP, checked by renderCovers) to the WebP cover sizes and stores
 * them content-addressed; returns the source image's SHA-256, which names the cover.
 */
export async function storeCoverImage(image: Buffer): Promise<string> {
	const variants = await renderCovers(image);
	const sha256 = createHash('sha256').update(image).digest('hex');
	const store = getStore();
	await Promise.all(
		Object.entries(variants).map(([size, data]) =>
			store.putBuffer(coverKey(sha256, size), data, 'image/webp')
		)
	);
	return sha256;
}
