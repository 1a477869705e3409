// Background media processing (waveform + cover) for uploaded tracks. State lives in the tracks
// table, so a job interrupted by a crash or restart is picked up again by any web process.
import { Prisma } from '@chorus/db';
import { parseFile } from 'music-metadata';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { audioKey, getStore, tmpDir } from '../blobs.ts';
import { storeCoverImage } from './covers.ts';
import { getDb } from '../db.ts';
import { logger } from '../logger.ts';
import { observeJob } from '../metrics.ts';
import { computeWaveform } from '../media/waveform.ts';

export const MAX_PROCESSING_ATTEMPTS = 3;
/** A lease older than this belongs to a worker that died. */
const LEASE_MS = 5 * 60 * 1000;
const IDLE_POLL_MS = 30_000;

const log = () => logger('processing');

interface Claimed {
	id: string;
	blob_sha256: string;
	processing_attempts: number;
}

/** Takes one pending track (or one whose worker died), so each job runs on one worker at a time. */
async function claim(): Promise<Claimed | null> {
	const rows = await getDb().$queryRaw<Claimed[]>`
		UPDATE tracks SET processing_started_at = now(), processing_attempts = processing_attempts + 1
		WHERE id = (
			SELECT id FROM tracks
			WHERE processing_status = 'pending'
				AND (processing_started_at IS NULL OR processing_started_at < ${new Date(Date.now() - LEASE_MS)})
			ORDER BY created_at
			FOR UPDATE SKIP LOCKED
			LIMIT 1
		)
		RETURNING id, blob_sha256, processing_attempts`;
	return rows[0] ?? null;
}

async function storeCover(picture: Uint8Array): Promise<string | null> {
	try {
		return await storeCoverImage(Buffer.from(picture));
	} catch (err) {
		// A broken embedded picture must not fail the track: it gets the placeholder.
		log().warn({ err }, 'embedded cover ignored');
		return null;
	}
}

export async function processTrack(job: Claimed): Promise<void> {
	const store = getStore();
	const key = audioKey(job.blob_sha256);
	// ffmpeg needs a file: the blob itself on local disk, else a temp copy (removed below).
	const stored = store.localPath?.(key);
	const path = stored ?? join(tmpDir(), `process-${randomUUID()}`);
	const started = performance.now();
	const took = () => (performance.now() - started) / 1000;
	try {
		if (!stored) await pipeline(await store.read(key), createWriteStream(path));
		const waveform = await computeWaveform(path);
		const meta = await parseFile(path, { duration: false, skipCovers: false });
		const picture = meta.common.picture?.[0];
		const coverSha256 = picture ? await storeCover(picture.data) : null;
		if (coverSha256) {
			// A cover uploaded (PUT .../cover) while this job ran wins over the embedded one.
			await getDb().track.updateMany({
				where: { id: job.id, coverSha256: null },
				data: { coverSha256 }
			});
		}
		await getDb().track.update({
			where: { id: job.id },
			data: {
				waveform: waveform as unknown as Prisma.InputJsonValue,
				processingStatus: 'ready',
				processingError: null,
				processingStartedAt: null
			}
		});
		observeJob('ready', took());
	} catch (err) {
		const failed = job.processing_attempts >= MAX_PROCESSING_ATTEMPTS;
		observeJob(failed ? 'failed' : 'retry', took());
		log().error({ err, trackId: job.id, attempt: job.processing_attempts }, 'processing failed');
		await getDb().track.update({
			where: { id: job.id },
			data: {
				processingStatus: failed ? 'failed' : 'pending',
				processingError: (err instanceof Error ? err.message : String(err)).slice(0, 300),
				processingStartedAt: null
			}
		});
	} finally {
		if (!stored) await rm(path, { force: true });
	}
}

let running = false;
let wakeup: (() => void) | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopped = false;

/** Drains pending jobs one at a time (decoding is CPU-bound; one at a time keeps requests fast). */
async function loop(): Promise<void> {
	while (!stopped) {
		let job: Claimed | null = null;
		try {
			job = await claim();
		} catch (err) {
			log().warn({ err }, 'could not claim a processing job');
		}
		if (job) {
			// processTrack records its own failures; this guards the loop against the unexpected
			// (e.g. the database going away while recording one), which must not crash the server.
			await processTrack(job).catch((err) => log().error({ err }, 'processing job crashed'));
			continue;
		}
		await new Promise<void>((resolve) => {
			wakeup = resolve;
			timer = setTimeout(resolve, IDLE_POLL_MS);
		});
	}
	running = false;
}

export function startProcessingWorker(): void {
	if (running) return;
	running = true;
	stopped = false;
	void loop();
}

/** Called after an upload so the job starts now rather than at the next poll. */
export function wakeProcessing(): void {
	clearTimeout(timer);
	wakeup?.();
}

export function stopProcessingWorker(): void {
	stopped = true;
	wakeProcessing();
}
