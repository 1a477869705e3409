import { json } from '@sveltejs/kit';
import { Readable } from 'node:stream';
import { ApiError } from '$lib/server/api/errors';
import { endpoint, methodNotAllowed, readBody, requireUser } from '$lib/server/api/http';
import { coverKey, getStore } from '$lib/server/blobs';
import { getDb } from '$lib/server/db';
import { logger } from '$lib/server/logger';
import { COVER_SIZES, placeholderCover, probeImage } from '$lib/server/media/covers';
import { storeCoverImage } from '$lib/server/library/covers';
import { deleteCoverIfUnused, findVisibleTrack, trackJsonFor } from '$lib/server/library/tracks';

const MAX_COVER_BYTES = 15 * 1024 * 1024;
type CoverSize = keyof typeof COVER_SIZES;
const isSize = (s: string | null): s is CoverSize => !!s && s in COVER_SIZES;

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	const size = event.url.searchParams.get('size') ?? 'md';
	if (!isSize(size))
		throw new ApiError(
			400,
			'VALIDATION',
			`size must be one of ${Object.keys(COVER_SIZES).join(', ')}`
		);
	const track = await findVisibleTrack(event.params.id!, user);
	const headers = {
		'content-type': 'image/webp',
		// coverUrl carries a version (?v=), so a changed cover is a new URL.
		'cache-control': 'private, max-age=31536000, immutable'
	};
	if (track.coverSha256) {
		try {
			const body = await getStore().read(coverKey(track.coverSha256, size));
			return new Response(Readable.toWeb(body) as unknown as BodyInit, { headers });
		} catch (err) {
			logger('covers').warn(
				{ err, trackId: track.id },
				'stored cover missing; serving placeholder'
			);
		}
	}
	const placeholder = await placeholderCover(`${track.artist}\u0000${track.album ?? track.title}`);
	return new Response(new Uint8Array(placeholder[size]), { headers });
});

/** Replaces the cover with an uploaded JPEG, PNG or WebP image sent as the raw body. */
export const PUT = endpoint(async (event) => {
	const { user } = requireUser(event);
	const track = await findVisibleTrack(event.params.id!, user);
	if (track.ownerId !== user.id)
		throw new ApiError(403, 'FORBIDDEN', 'Only the uploader can change the cover');
	const image = await readBody(event.request, MAX_COVER_BYTES);
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
	return json(await trackJsonFor(updated, user.id));
});

export const fallback = methodNotAllowed;
