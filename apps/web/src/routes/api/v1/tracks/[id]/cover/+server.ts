import { json } from '@sveltejs/kit';
import { Readable } from 'node:stream';
import { endpoint, methodNotAllowed, readBody, readQuery, requireUser } from '$lib/server/api/http';
import { coverKey, getStore } from '$lib/server/blobs';
import { coverQuery, MAX_COVER_BYTES, replaceCover } from '$lib/server/library/covers';
import { findVisibleTrack } from '$lib/server/library/tracks';
import { logger } from '$lib/server/logger';
import { placeholderCover } from '$lib/server/media/covers';

export const GET = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { size } = readQuery(event.url, coverQuery);
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
	const track = await replaceCover(event.params.id!, user, () =>
		readBody(event.request, MAX_COVER_BYTES)
	);
	return json(track);
});

export const fallback = methodNotAllowed;
