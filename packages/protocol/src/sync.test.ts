import { describe, expect, it } from 'vitest';
import {
	DRIFT_DEAD_ZONE_MS,
	DriftController,
	MAX_RATE_DELTA,
	stateInForce,
	timelinePosition
} from './sync.ts';

describe('timeline', () => {
	const playing = { anchorMs: 10_000, positionMs: 5_000, paused: false };
	it('advances from the anchor and holds before it', () => {
		expect(timelinePosition(playing, 10_000)).toBe(5_000);
		expect(timelinePosition(playing, 12_500)).toBe(7_500);
		expect(timelinePosition(playing, 9_000)).toBe(5_000);
		expect(timelinePosition({ ...playing, paused: true }, 99_999)).toBe(5_000);
	});

	it('picks the newest state whose anchor has passed', () => {
		const states = [
			{ version: 1, anchorMs: 100 },
			{ version: 3, anchorMs: 300 },
			{ version: 2, anchorMs: 200 },
			{ version: 4, anchorMs: 190 } // a later command with a shorter lead
		];
		expect(stateInForce(states, 50)).toBeNull();
		expect(stateInForce(states, 150)).toEqual({ version: 1, anchorMs: 100 });
		expect(stateInForce(states, 250)).toEqual({ version: 4, anchorMs: 190 });
		expect(stateInForce(states, 300)).toEqual({ version: 4, anchorMs: 190 });
	});
});

/**
 * An audio element on a simulated clock: plays at `rate`; after a seek (or start) it stays
 * frozen for `stallMs` and then plays from where it was sent, like a real pipeline restarting.
 */
class SimElement {
	positionMs: number;
	rate = 1;
	seeks = 0;
	#frozenMs = 0;
	/** Stall of each seek in turn (the last one repeats): a first fetch is slower than the rest. */
	readonly stalls: number[];
	constructor(start: number, ...stalls: number[]) {
		this.positionMs = start;
		this.stalls = stalls.length ? stalls : [0];
	}
	advance(ms: number) {
		const frozen = Math.min(ms, this.#frozenMs);
		this.#frozenMs -= frozen;
		this.positionMs += (ms - frozen) * this.rate;
	}
	seek(to: number) {
		this.seeks++;
		this.positionMs = to;
		this.#frozenMs = this.stalls[Math.min(this.seeks - 1, this.stalls.length - 1)]!;
	}
}

/** Runs the loop from room position `fromMs`: a reading every `stepMs`; returns the drifts. */
function run(
	el: SimElement,
	controller: DriftController,
	ms: number,
	opts: { stepMs?: number; noise?: () => number; fromMs?: number } = {}
) {
	const stepMs = opts.stepMs ?? 10;
	const noise = opts.noise ?? (() => 0);
	const drifts: number[] = [];
	const rates: number[] = [];
	let expected = opts.fromMs ?? 0;
	for (let t = 0; t < ms; t += stepMs) {
		const action = controller.update(el.positionMs + noise(), expected, t);
		if (action.kind === 'seek') el.seek(action.toMs);
		else el.rate = action.rate;
		rates.push(el.rate);
		el.advance(stepMs);
		expected += stepMs;
		drifts.push(el.positionMs - expected);
	}
	return { drifts, rates };
}

/** Starts the element like the player does: aimed ahead by the learned latency. */
function start(el: SimElement, controller: DriftController, roomMs: number) {
	el.seek(roomMs + controller.seekLatencyMs);
	controller.noteSeek();
}

describe('DriftController', () => {
	it('steers a 40 ms drift away within 2 s, monotonically, never beyond the rate limit', () => {
		const el = new SimElement(40);
		const { drifts, rates } = run(el, new DriftController(), 3_000, { stepMs: 100 });
		expect(Math.abs(drifts[19]!)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS * 2);
		// No overshoot: the drift never changes sign by more than the dead zone.
		expect(Math.min(...drifts)).toBeGreaterThan(-DRIFT_DEAD_ZONE_MS);
		for (const r of rates) expect(Math.abs(r - 1)).toBeLessThanOrEqual(MAX_RATE_DELTA + 1e-9);
		expect(el.seeks).toBe(0);
	});

	it('works the same when behind', () => {
		const { drifts } = run(new SimElement(-60), new DriftController(), 4_000, { stepMs: 100 });
		expect(Math.abs(drifts.at(-1)!)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS);
		expect(Math.max(...drifts)).toBeLessThan(DRIFT_DEAD_ZONE_MS);
	});

	it('leaves small noise alone (no rate hunting)', () => {
		let seed = 7;
		const noise = () => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return (seed / 2 ** 31 - 0.5) * 4; // +-2 ms
		};
		const { rates } = run(new SimElement(0), new DriftController(), 10_000, { stepMs: 100, noise });
		expect(rates.every((r) => r === 1)).toBe(true);
	});

	it('learns how late starts land: the first start is corrected at once, later ones land on time', () => {
		const controller = new DriftController();
		const el = new SimElement(0, 90);
		start(el, controller, 0);
		const first = run(el, controller, 600);
		// One re-seek after settling, aimed with the learned latency: within a few ms by 0.6 s.
		expect(el.seeks).toBe(2);
		expect(Math.abs(first.drifts.at(-1)!)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS);
		expect(controller.seekLatencyMs).toBeGreaterThan(80);
		expect(controller.seekLatencyMs).toBeLessThan(100);

		// The next event (a seek to 30 s) lands on time with no second seek.
		start(el, controller, 30_000);
		const second = run(el, controller, 500, { fromMs: 30_000 });
		expect(el.seeks).toBe(3);
		expect(Math.abs(second.drifts.at(-1)!)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS);
	});

	it('holds still while the element is frozen (buffering), then corrects', () => {
		const controller = new DriftController();
		const el = new SimElement(0, 700, 90); // a slow first fetch, then the usual latency
		start(el, controller, 0);
		const { drifts } = run(el, controller, 2_000);
		expect(el.seeks).toBeLessThanOrEqual(3);
		expect(Math.abs(drifts.at(-1)!)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS * 2);
	});

	it('seeks a large drift away after two readings', () => {
		const el = new SimElement(800);
		run(el, new DriftController(), 300, { stepMs: 100 });
		expect(el.seeks).toBe(1);
	});
});
