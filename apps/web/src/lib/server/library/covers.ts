import type { SessionUser } from '@chorus/auth';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { coverKey, getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { COVER_SIZES, probeImage, renderCovers, type CoverSize } from '../media/covers.ts';
import { deleteCoverIfUnused, findVisibleTrack, trackJsonFor, type TrackJson } from './tracks.ts';

export const MAX_COVER_BYTES = 15 * 1024 * 1024;

const sizes = Object.keys(COVER_SIZES) as [CoverSize, ...CoverSize[]];
/** GET /api/v1/tracks/{id}/cover?size= (validated by the route, documented in its spec). */
export const coverQuery = z.object({
	size: z
		.enum(sizes, { error: `size must be one of ${sizes.join(', ')}` })
		.default('md')
		.describe(sizes.map((s) => `${s}: ${COVER_SIZES[s]}x${COVER_SIZES[s]} px`).join(', '))
});

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

const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The image is larger than 15 MB');

/**
 * Replaces a track's cover with a JPEG, PNG or WebP image (uploader only). The image is read
 * only after the access check, so nobody else's upload is buffered; `readImage` may refuse with
 * a 413 past MAX_COVER_BYTES itself (the API route streams), and a bigger result is refused here.
 */
export async function replaceCover(
	trackId: string,
	user: SessionUser,
	readImage: () => Promise<Buffer>
): Promise<TrackJson> {
	const track = await findVisibleTrack(trackId, user);
	if (track.ownerId !== user.id)
		throw new ApiError(403, 'FORBIDDEN', 'Only the uploader can change the cover');
	const image = await readImage();
	if (image.length > MAX_COVER_BYTES) throw tooLarge();
	if (image.length === 0) {
		throw new ApiError(
			400,
			'VALIDATION',
			'Send the image as the request body, with its Content-Type'
		);
	}
	try {
		await probeImage(image);
	} catch (err) {
		const code = (err as { code?: string }).code;
		if (code === 'IMAGE_TOO_LARGE')
			throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The image has too many pixels');
		throw new ApiError(
			415,
			'UNSUPPORTED_MEDIA_TYPE',
			'The cover must be a JPEG, PNG or WebP image'
		);
	}
	const sha256 = await storeCoverImage(image);
	const updated = await getDb().track.update({
		where: { id: track.id },
		data: { coverSha256: sha256 }
	});
	if (track.coverSha256 && track.coverSha256 !== sha256)
		await deleteCoverIfUnused(getDb(), track.coverSha256);
	return trackJsonFor(updated, user.id);
}
