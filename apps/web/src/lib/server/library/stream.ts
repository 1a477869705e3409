import parseRange from 'range-parser';
import { Readable } from 'node:stream';
import { ApiError } from '../api/errors.ts';
import { audioKey, getStore } from '../blobs.ts';
import { getEnv } from '../env.ts';
import { logger } from '../logger.ts';
import { countStreamed } from '../metrics.ts';

interface Streamable {
	blobSha256: string;
	sizeBytes: bigint;
	mimeType: string;
}

/**
 * RFC 9110 14.1.2: a suffix longer than the representation selects all of it. range-parser
 * treats it as unsatisfiable instead, so longer suffixes are clamped first.
 */
function clampSuffixes(header: string, size: number): string {
	return header.replace(
		/(^\s*bytes\s*=|,)(\s*)-(\d+)/gi,
		(m, lead: string, ws: string, n: string) =>
			n.length > 15 || Number(n) > size ? `${lead}${ws}-${size}` : m
	);
}

function etagMatches(header: string | null, etag: string): boolean {
	if (!header) return false;
	if (header.trim() === '*') return true;
	return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Long enough for a player to open and seek a track, short enough that a leaked URL soon dies. */
export const PRESIGN_TTL_SEC = 600;

/**
 * Who sends the bytes once the request is authorised: this process, nginx (X-Accel-Redirect to
 * its `internal` location over the local blob directory) or S3 itself (a presigned redirect).
 */
async function handOff(key: string, mimeType: string, headers: Headers) {
	const { STREAM_ACCEL, STREAM_ACCEL_CACHE_SEC, STREAM_S3_REDIRECT } = getEnv();
	const store = getStore();
	if (STREAM_ACCEL && store.kind === 'local') {
		// nginx answers 200/206/416 (and HEAD) from the file with its own Range and If-Range
		// handling; it keeps the headers set here (see deploy/nginx/nginx.conf.template).
		headers.set('x-accel-redirect', `${STREAM_ACCEL}${key}`);
		// nginx sends its own on a 200; passed through, this one would be doubled.
		headers.delete('accept-ranges');
		// nginx's own cache instruction, never passed to the client (see the template).
		if (STREAM_ACCEL_CACHE_SEC > 0) headers.set('x-accel-expires', String(STREAM_ACCEL_CACHE_SEC));
		return new Response(null, { status: 200, headers });
	}
	if (STREAM_S3_REDIRECT && store.presignGet) {
		const location = await store.presignGet(key, {
			contentType: mimeType,
			expiresInSec: PRESIGN_TTL_SEC
		});
		// The redirect itself must not be cached past the URL's life; the media behind it is.
		const redirect = new Headers({ location, 'cache-control': 'private, no-store' });
		return new Response(null, { status: 302, headers: redirect });
	}
	return null;
}

/**
 * GET/HEAD of a track's audio with single-range support (RFC 9110): 200, 206, 304, or 416 for an
 * unsatisfiable or malformed range. Content-addressed, so the SHA-256 is a perfect strong ETag.
 */
export async function streamAudio(request: Request, track: Streamable): Promise<Response> {
	const size = Number(track.sizeBytes);
	const etag = `"${track.blobSha256}"`;
	const headers = new Headers({
		'accept-ranges': 'bytes',
		'content-type': track.mimeType,
		etag,
		// Private: access depends on the session. Immutable: these bytes never change.
		'cache-control': 'private, max-age=31536000, immutable'
	});

	if (etagMatches(request.headers.get('if-none-match'), etag)) {
		return new Response(null, { status: 304, headers });
	}
	const handedOff = await handOff(audioKey(track.blobSha256), track.mimeType, headers);
	if (handedOff) return handedOff;

	let start = 0;
	let end = size - 1;
	let status = 200;
	const rangeHeader = request.headers.get('range');
	const ifRange = request.headers.get('if-range');
	// If-Range with another validator means "the copy I have is stale: send everything".
	if (rangeHeader && (!ifRange || ifRange.trim() === etag)) {
		const ranges = parseRange(size, clampSuffixes(rangeHeader, size), { combine: true });
		if (ranges === -1 || ranges === -2 || ranges.length === 0) {
			headers.set('content-range', `bytes */${size}`);
			headers.set('content-type', 'application/json');
			const body = JSON.stringify({
				error: { code: 'RANGE_NOT_SATISFIABLE', message: `Range not satisfiable for ${size} bytes` }
			});
			return new Response(body, { status: 416, headers });
		}
		if (ranges.type === 'bytes') {
			// Several ranges: answer the first (multipart/byteranges is allowed to be skipped).
			({ start, end } = ranges[0]!);
			status = 206;
			headers.set('content-range', `bytes ${start}-${end}/${size}`);
		}
	}
	headers.set('content-length', String(end - start + 1));
	if (request.method === 'HEAD') return new Response(null, { status, headers });

	let body: Readable;
	try {
		body = await getStore().read(
			audioKey(track.blobSha256),
			size === 0 ? undefined : { start, end }
		);
	} catch (err) {
		logger('stream').error({ err, sha256: track.blobSha256 }, 'audio blob unreadable');
		throw new ApiError(503, 'UNAVAILABLE', 'The audio is temporarily unavailable');
	}
	// Counted as the bytes leave the store, so an aborted transfer counts what was read of it.
	// A second 'data' listener adds no flow of its own: toWeb's pauses hold both.
	body.on('data', (chunk: Buffer) => countStreamed(chunk.length));
	return new Response(Readable.toWeb(body) as unknown as BodyInit, { status, headers });
}
