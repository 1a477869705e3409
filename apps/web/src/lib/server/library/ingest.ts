import type { SessionUser } from '@chorus/auth';
import { parseFile, type IAudioMetadata } from 'music-metadata';
import { basename, extname } from 'node:path';
import { ApiError } from '../api/errors.ts';
import { audioKey, getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';
import { logger } from '../logger.ts';
import { observeUpload } from '../metrics.ts';
import { decodeCheck } from '../media/waveform.ts';
import { codecMatches, sniffAudio, type SniffedFormat } from './formats.ts';
import { wakeProcessing } from './processing.ts';
import { quotaBytesFor } from './quota.ts';
import { albumIdFor, toTrackJson, UNKNOWN_ARTIST, type TrackJson } from './tracks.ts';
import { receiveFile, type ReceivedFile } from './upload.ts';

const unsupported = () =>
	new ApiError(
		415,
		'UNSUPPORTED_MEDIA_TYPE',
		'Not a supported audio file (MP3, FLAC, Ogg Vorbis/Opus, WAV, M4A/AAC)'
	);
const unreadable = (why: string) =>
	new ApiError(422, 'UNPROCESSABLE', `The file could not be read as audio: ${why}`);

const clean = (s: string | undefined | null, max = 300) => {
	// Tags are untrusted: strip control characters, collapse whitespace, bound the length.
	const v = s
		?.replace(/[\p{Cc}\p{Cf}]/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, max);
	return v ? v : null;
};
const int = (n: number | null | undefined, max: number) =>
	typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max ? n : null;

async function readMetadata(file: ReceivedFile, format: SniffedFormat): Promise<IAudioMetadata> {
	let meta: IAudioMetadata;
	try {
		meta = await parseFile(file.path, { duration: true, skipCovers: true });
	} catch (err) {
		throw unreadable(err instanceof Error ? err.message.slice(0, 200) : 'parse error');
	}
	const { duration, codec } = meta.format;
	if (!codecMatches(format.family, codec))
		throw unreadable(`no ${format.family} audio stream found`);
	if (!duration || !Number.isFinite(duration) || duration <= 0)
		throw unreadable('no playable audio');
	return meta;
}

function titleFromFilename(filename: string): string | null {
	const stem = basename(filename, extname(filename)).replace(/[_]+/g, ' ');
	return clean(stem);
}

/** Checks and stores one uploaded audio file for `user`; returns the new track. */
export async function ingestUpload(request: Request, user: SessionUser): Promise<TrackJson> {
	let received = 0;
	try {
		const track = await ingest(request, user, (bytes) => (received = bytes));
		observeUpload('ok', received);
		return track;
	} catch (err) {
		observeUpload(err instanceof ApiError ? err.code : 'error', received);
		throw err;
	}
}

async function ingest(
	request: Request,
	user: SessionUser,
	onReceived: (bytes: number) => void
): Promise<TrackJson> {
	const env = getEnv();
	const file = await receiveFile(request, env.UPLOAD_MAX_BYTES);
	onReceived(file.size);
	try {
		const format = await sniffAudio(file.path);
		if (!format) throw unsupported();
		const meta = await readMetadata(file, format);
		const durationMs = Math.round(meta.format.duration! * 1000);
		// Headers can claim more audio than the file holds (truncated, polyglot): decode a little.
		if (!(await decodeCheck(file.path, durationMs)))
			throw unreadable('the audio data is damaged or truncated');

		const { common, format: f } = meta;
		const data = {
			ownerId: user.id,
			blobSha256: file.sha256,
			title: clean(common.title) ?? titleFromFilename(file.filename) ?? 'Untitled',
			artist: clean(common.artist) ?? clean(common.albumartist) ?? UNKNOWN_ARTIST,
			album: clean(common.album),
			albumArtist: clean(common.albumartist),
			trackNo: int(common.track?.no, 9999),
			year: int(common.year, 9999),
			genre: clean(common.genre?.[0], 100),
			durationMs,
			container: clean(f.container, 64) ?? format.family,
			codec: clean(f.codec, 64) ?? 'unknown',
			mimeType: format.mimeType,
			bitrate: f.bitrate ? Math.round(f.bitrate) : null,
			sampleRate: int(f.sampleRate, 10_000_000),
			channels: int(f.numberOfChannels, 64),
			sizeBytes: BigInt(file.size)
		};
		const withAlbum = { ...data, albumId: albumIdFor(data) };

		const store = getStore();
		const row = await getDb().$transaction(
			async (tx) => {
				// One upload at a time per user, so concurrent uploads cannot overshoot the quota.
				await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`quota:${user.id}`}))`;
				const used = await tx.track.aggregate({
					where: { ownerId: user.id },
					_sum: { sizeBytes: true }
				});
				if (Number(used._sum.sizeBytes ?? 0n) + file.size > (await quotaBytesFor(user.id, tx))) {
					throw new ApiError(413, 'QUOTA_EXCEEDED', 'This upload would exceed your storage quota');
				}
				// Upsert takes the blob's row lock, which deletions take too (see deleteTrack).
				await tx.$executeRaw`
					INSERT INTO blobs (sha256, size_bytes, mime_type) VALUES (${file.sha256}, ${file.size}, ${format.mimeType})
					ON CONFLICT (sha256) DO UPDATE SET size_bytes = EXCLUDED.size_bytes`;
				const track = await tx.track.create({ data: withAlbum });
				// Identical bytes are stored once; the first upload moves its temp file in.
				try {
					if (!(await store.stat(audioKey(file.sha256)))) {
						await store.putFile(audioKey(file.sha256), file.path, format.mimeType);
					}
				} catch (err) {
					logger('ingest').error({ err }, 'blob storage write failed');
					throw new ApiError(503, 'UNAVAILABLE', 'Storage is temporarily unavailable; try again');
				}
				return track;
			},
			{ timeout: 120_000, maxWait: 30_000 }
		);
		wakeProcessing();
		return toTrackJson(row);
	} finally {
		await file.discard();
	}
}
