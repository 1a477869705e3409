// Synchronized playback maths: the room timeline and the client's drift controller.
// Pure, so it can be tested against a simulated clock.
import type { PlaybackState } from './rooms.ts';

/** Inside this |drift| nothing is corrected (measurement noise, inaudible). */
export const DRIFT_DEAD_ZONE_MS = 3;
/** Once corrected, hold still until drift leaves this wider band (no hunting at the edge). */
export const DRIFT_RESUME_MS = 6;
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

/**
 * Holds an audio element on the room timeline. Small drift is steered away with a damped
 * proportional playbackRate (rate = 1 - drift / DRIFT_CORRECTION_MS, clamped): the rate falls
 * back to 1 as the drift closes, so it converges without overshoot. Large drift is sought away,
 * compensating for how late this device's seeks land (learned from previous seeks).
 */
export class DriftController {
	#correcting = false;
	#farReadings = 0;
	#seekLatencyMs = 0;
	#lastSeekExpected: number | null = null;

	/** How much later than asked this device's seeks (and starts) tend to land. */
	get seekLatencyMs(): number {
		return this.#seekLatencyMs;
	}

	reset(): void {
		this.#correcting = false;
		this.#farReadings = 0;
		this.#lastSeekExpected = null;
	}

	/**
	 * Learns from the first reading after a seek: if the element is behind where it should be,
	 * the next seek aims that much further ahead (a running average, bounded).
	 */
	#learn(driftMs: number): void {
		if (this.#lastSeekExpected === null) return;
		this.#lastSeekExpected = null;
		const lateBy = -driftMs;
		if (Math.abs(lateBy) > SEEK_THRESHOLD_MS * 2) return;
		// Integral step with gain 1/2: converges on the device's latency without ringing.
		this.#seekLatencyMs = Math.max(0, Math.min(200, this.#seekLatencyMs + lateBy / 2));
	}

	/**
	 * `actualMs`: the element's position; `expectedMs`: the timeline's, at the same instant.
	 * Positive drift = ahead of the room.
	 */
	update(actualMs: number, expectedMs: number): DriftAction {
		const drift = actualMs - expectedMs;
		this.#learn(drift);
		const size = Math.abs(drift);
		if (size >= SEEK_THRESHOLD_MS) {
			if (++this.#farReadings >= SEEK_CONFIRMATIONS) {
				this.#farReadings = 0;
				this.#correcting = false;
				this.#lastSeekExpected = expectedMs;
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

	/** Call right after starting or seeking the element to `expectedMs` by other means. */
	noteSeek(expectedMs: number): void {
		this.#lastSeekExpected = expectedMs;
	}
}
