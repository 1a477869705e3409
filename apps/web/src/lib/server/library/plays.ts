import type { SessionUser } from '@chorus/auth';
import {
	RateLimiterMemory,
	RateLimiterRedis,
	type RateLimiterAbstract
} from 'rate-limiter-flexible';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';
import { consume } from '../rate-limit.ts';
import { getRedis } from '../redis.ts';
import { findVisibleTrack } from './tracks.ts';

/** A play counts once this much was heard: half the track, but never more than 30 s. */
export const countThresholdMs = (durationMs: number) =>
	Math.max(1, Math.min(Math.ceil(durationMs / 2), 30_000));
/** Clients may report a little more than the wall-clock time since the start (buffering, clocks). */
export const LISTEN_SLACK_MS = 2_000;
/** At most one counted play per user and track in this window. */
const RECOUNT_AFTER = '10 minutes';
const STARTS_PER_MINUTE = 60;
const MAX_INT = 2_147_483_647;

const ms = (name: string) =>
	z
		.number({ error: `${name} must be a number` })
		.int(`${name} must be an integer`)
		.min(0, `${name} must be >= 0`)
		.max(MAX_INT, `${name} is too large`);

export const progressInput = z.strictObject({
	positionMs: ms('positionMs'),
	listenedMs: ms('listenedMs')
});

export const playStartSchema = z.object({
	play: z.object({ id: z.uuid(), startedAt: z.string() })
});
export const progressResultSchema = z.object({ counted: z.boolean(), playCount: z.number() });

let startLimiter: RateLimiterAbstract | undefined;
function getStartLimiter(): RateLimiterAbstract {
	if (startLimiter) return startLimiter;
	const keyPrefix = `${getEnv().RATE_LIMIT_NAMESPACE}:rl:play-start`;
	const opts = { keyPrefix, points: STARTS_PER_MINUTE, duration: 60 };
	const redis = getRedis();
	startLimiter = redis
		? new RateLimiterRedis({
				...opts,
				storeClient: redis,
				insuranceLimiter: new RateLimiterMemory(opts)
			})
		: new RateLimiterMemory(opts);
	return startLimiter;
}

const noSession = () => new ApiError(404, 'NOT_FOUND', 'No such listening session');

/** Starts a listening session; the play only counts through reportProgress. */
export async function startPlay(trackId: string, user: SessionUser) {
	await consume([[getStartLimiter(), user.id]]);
	const track = await findVisibleTrack(trackId, user);
	try {
		const play = await getDb().play.create({
			data: { userId: user.id, trackId: track.id },
			select: { id: true, startedAt: true }
		});
		return { play: { id: play.id, startedAt: play.startedAt.toISOString() } };
	} catch (err) {
		// Deleted between the visibility check and the insert (foreign key).
		await findVisibleTrack(trackId, user);
		throw err;
	}
}

interface LockedPlay {
	listened_ms: number;
	counted: boolean;
	elapsed_ms: number;
}

/**
 * Records progress of the caller's own session and counts it as a play when it qualifies.
 * `counted` tells whether this session has been counted (by this report or an earlier one).
 */
export async function reportProgress(
	playId: string,
	user: SessionUser,
	input: z.output<typeof progressInput>
): Promise<{ counted: boolean; playCount: number }> {
	if (!z.uuid().safeParse(playId).success) throw noSession();
	const db = getDb();
	const owned = await db.play.findFirst({
		where: { id: playId, userId: user.id },
		select: { trackId: true }
	});
	if (!owned) throw noSession();
	// A track made private since the session started no longer collects plays from others.
	const track = await findVisibleTrack(owned.trackId, user);
	const threshold = countThresholdMs(track.durationMs);

	return db.$transaction(async (tx) => {
		// The row lock serialises reports of one session; elapsed time comes from the database clock.
		const [play] = await tx.$queryRaw<LockedPlay[]>`
			SELECT listened_ms, counted_at IS NOT NULL AS counted,
				(extract(epoch FROM clock_timestamp() - started_at) * 1000)::float8 AS elapsed_ms
			FROM plays WHERE id = ${playId}::uuid FOR UPDATE`;
		if (!play) throw noSession();
		const accepted = Math.min(
			input.listenedMs,
			Math.max(0, Math.floor(play.elapsed_ms)) + LISTEN_SLACK_MS
		);
		const listened = Math.max(play.listened_ms, accepted);
		let countNow = false;
		if (!play.counted && listened >= threshold) {
			// Two sessions of the same user and track must not both pass the check below.
			await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`play:${user.id}:${track.id}`}))`;
			const recent = await tx.$queryRaw<unknown[]>`
				SELECT 1 FROM plays
				WHERE user_id = ${user.id}::uuid AND track_id = ${track.id}::uuid
					AND counted_at > clock_timestamp() - ${RECOUNT_AFTER}::interval
				LIMIT 1`;
			countNow = recent.length === 0;
		}
		await tx.$executeRaw`
			UPDATE plays SET
				position_ms = ${Math.min(input.positionMs, track.durationMs)},
				listened_ms = ${listened},
				updated_at = clock_timestamp(),
				counted_at = CASE WHEN ${countNow}::boolean THEN clock_timestamp() ELSE counted_at END
			WHERE id = ${playId}::uuid`;
		const [row] = countNow
			? await tx.$queryRaw<{ play_count: number }[]>`
					UPDATE tracks SET play_count = play_count + 1 WHERE id = ${track.id}::uuid
					RETURNING play_count`
			: await tx.$queryRaw<{ play_count: number }[]>`
					SELECT play_count FROM tracks WHERE id = ${track.id}::uuid`;
		if (!row) throw noSession();
		return { counted: play.counted || countNow, playCount: row.play_count };
	});
}
