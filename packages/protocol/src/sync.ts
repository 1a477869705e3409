// Synchronized playback maths: the room timeline and the client's drift controller.
// Pure, so it can be tested against a simulated clock.
import type { PlaybackState } from './rooms.ts';

/** Inside this |drift| nothing is corrected (measurement noise, inaudible). */
export const DRIFT_DEAD_ZONE_MS = 2;
/** Once corrected, hold still until drift leaves this wider band (no hunting at the edge). */
export const DRIFT_RESUME_MS = 4;
/** Never audible: Chromium keeps the pitch, and a few percent is below what ears notice. */
export const MAX_RATE_DELTA = 0.04;
/** Proportional gain: the drift is worked off over about this long. */
export const DRIFT_CORRECTION_MS = 700;
/** Beyond this the element is repositioned instead of slowly steered. */
export const SEEK_THRESHOLD_MS = 250;
/** ...but only after this many consecutive readings agree (one odd reading is not a reason). */
export const SEEK_CONFIRMATIONS = 2;

type Timeline = Pick<PlaybackState, 'anchorMs' | 'positionMs' | 'paused'>;

/** Where the room is at server time t. Before the anchor the position holds at positionMs. */
export function timelinePosition(state: Timeline, serverNowMs: number): number {
	if (state.paused) return state.positionMs;
	return state.positionMs + Math.max(0, serverNowMs - state.anchorMs);
}

/**
 * Of several scheduled states, the one in force at t: the newest (by room version) whose
 * anchor has passed; a state whose anchor is still ahead is a pending command.
 */
export function stateInForce<T extends { anchorMs: number; version: number }>(
	states: readonly T[],
	serverNowMs: number
): T | null {
	let best: T | null = null;
	for (const s of states) {
		if (s.anchorMs <= serverNowMs && (!best || s.version > best.version)) best = s;
	}
	return best;
}

export type DriftAction =
	{ kind: 'hold'; rate: 1 } | { kind: 'steer'; rate: number } | { kind: 'seek'; toMs: number };

/** After a start or seek, readings are only trusted once the element advanced this many times. */
export const SETTLE_READINGS = 2;
/** A settled start/seek further off than this is repositioned again (with what was learned)... */
export const SETTLE_RESEEK_MS = 20;
/** ...at most this many times per event (a device that never lands must not seek forever). */
export const SETTLE_MAX_RESEEKS = 2;
export const INITIAL_SEEK_LATENCY_MS = 60;
/** Upper bound of the learned start/seek latency. */
export const MAX_SEEK_LATENCY_MS = 300;

/**
 * Holds an audio element on the room timeline.
 *
 * - Starting or seeking an element takes a while on every device (the audio pipeline starts,
 *   buffers refill): the element lands late by a fairly constant amount. That latency is
 *   learned from each start/seek once the element is seen advancing again, and every later
 *   start/seek aims that far ahead (and the player starts that much early), so it lands on time.
 * - Small drift is steered away with a damped proportional playbackRate
 *   (rate = 1 - drift / DRIFT_CORRECTION_MS, clamped): the rate returns to 1 as the drift
 *   closes, so it converges without overshoot. Inside a dead zone nothing is done.
 * - Large drift (SEEK_THRESHOLD_MS, confirmed by a second reading) is sought away.
 */
export class DriftController {
	#correcting = false;
	#farReadings = 0;
	/** Starts with a typical browser's (Chromium lands ~60-120 ms late); learned from there. */
	#seekLatencyMs = INITIAL_SEEK_LATENCY_MS;
	#learned = 0;
	/** Readings still to see advancing before the last start/seek counts as settled. */
	#settling = 0;
	#reseeks = 0;
	#last: { actualMs: number; atMs: number } | null = null;

	/** How much later than asked this device's starts and seeks land. */
	get seekLatencyMs(): number {
		return this.#seekLatencyMs;
	}

	reset(): void {
		this.#correcting = false;
		this.#farReadings = 0;
		this.#settling = 0;
		this.#reseeks = 0;
		this.#last = null;
	}

	/** Call right after starting or seeking the element (aimed with seekLatencyMs). */
	noteSeek(): void {
		this.#settling = SETTLE_READINGS;
		this.#correcting = false;
		this.#farReadings = 0;
		this.#last = null;
	}

	/** The first few lessons count fully; later ones are averaged in (gain 1/2). */
	#learn(lateByMs: number): void {
		const gain = this.#learned < 2 ? 1 : 0.5;
		this.#learned++;
		this.#seekLatencyMs = Math.max(
			0,
			Math.min(MAX_SEEK_LATENCY_MS, this.#seekLatencyMs + gain * lateByMs)
		);
	}

	/**
	 * `actualMs`: the element's position; `expectedMs`: the timeline's, at the same instant;
	 * `atMs`: when the reading was taken (any monotonic clock). Positive drift = ahead.
	 */
	update(actualMs: number, expectedMs: number, atMs: number): DriftAction {
		const drift = actualMs - expectedMs;
		const last = this.#last;
		this.#last = { actualMs, atMs };
		if (this.#settling > 0) {
			// Still starting: the element has to be seen moving at about real speed first.
			const advancing =
				last !== null && actualMs - last.actualMs > 0.5 * Math.max(1, atMs - last.atMs);
			if (!advancing) return { kind: 'hold', rate: 1 };
			if (--this.#settling > 0) return { kind: 'hold', rate: 1 };
			// A landing further off than any device latency is a buffering stall: nothing to learn.
			if (Math.abs(drift) <= MAX_SEEK_LATENCY_MS) this.#learn(-drift);
			if (Math.abs(drift) > SETTLE_RESEEK_MS && this.#reseeks < SETTLE_MAX_RESEEKS) {
				this.#reseeks++;
				this.noteSeek();
				return { kind: 'seek', toMs: expectedMs + this.#seekLatencyMs };
			}
			this.#reseeks = 0;
		}
		const size = Math.abs(drift);
		if (size >= SEEK_THRESHOLD_MS) {
			if (++this.#farReadings >= SEEK_CONFIRMATIONS) {
				this.noteSeek();
				return { kind: 'seek', toMs: expectedMs + this.#seekLatencyMs };
			}
			// Unconfirmed: steer at full strength meanwhile.
			return { kind: 'steer', rate: 1 - Math.sign(drift) * MAX_RATE_DELTA };
		}
		this.#farReadings = 0;
		const band = this.#correcting ? DRIFT_DEAD_ZONE_MS : DRIFT_RESUME_MS;
		if (size <= band) {
			this.#correcting = false;
			return { kind: 'hold', rate: 1 };
		}
		this.#correcting = true;
		const delta = Math.max(-MAX_RATE_DELTA, Math.min(MAX_RATE_DELTA, drift / DRIFT_CORRECTION_MS));
		return { kind: 'steer', rate: 1 - delta };
	}
}
