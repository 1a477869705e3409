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

/** An audio element on a simulated clock: plays at `rate`, seeks land `seekLatencyMs` late. */
class SimElement {
	positionMs: number;
	rate = 1;
	seeks = 0;
	constructor(
		start: number,
		readonly seekLatencyMs = 0
	) {
		this.positionMs = start;
	}
	advance(ms: number) {
		this.positionMs += ms * this.rate;
	}
	seek(to: number) {
		this.seeks++;
		this.positionMs = to - this.seekLatencyMs;
	}
}

/** Runs the loop: a reading every `stepMs`, returns the drift after each. */
function run(
	el: SimElement,
	controller: DriftController,
	ms: number,
	stepMs = 100,
	noise = () => 0
) {
	const drifts: number[] = [];
	const rates: number[] = [];
	let expected = 0;
	// The element starts where it is; the room timeline starts at 0 at the same instant.
	for (let t = 0; t < ms; t += stepMs) {
		const action = controller.update(el.positionMs + noise(), expected);
		if (action.kind === 'seek') el.seek(action.toMs);
		else el.rate = action.rate;
		rates.push(el.rate);
		el.advance(stepMs);
		expected += stepMs;
		drifts.push(el.positionMs - expected);
	}
	return { drifts, rates };
}

describe('DriftController', () => {
	it('steers a 40 ms drift away within 2 s, monotonically, never beyond the rate limit', () => {
		const el = new SimElement(40);
		const { drifts, rates } = run(el, new DriftController(), 3_000);
		const at2s = drifts[19]!;
		expect(Math.abs(at2s)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS * 2);
		// No overshoot: the drift never changes sign by more than the dead zone.
		expect(Math.min(...drifts)).toBeGreaterThan(-DRIFT_DEAD_ZONE_MS);
		for (const r of rates) expect(Math.abs(r - 1)).toBeLessThanOrEqual(MAX_RATE_DELTA + 1e-9);
		expect(el.seeks).toBe(0);
	});

	it('works the same when behind', () => {
		const { drifts } = run(new SimElement(-60), new DriftController(), 4_000);
		expect(Math.abs(drifts.at(-1)!)).toBeLessThanOrEqual(DRIFT_DEAD_ZONE_MS);
		expect(Math.max(...drifts)).toBeLessThan(DRIFT_DEAD_ZONE_MS);
	});

	it('leaves small noise alone (no rate hunting)', () => {
		let seed = 7;
		const noise = () => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return (seed / 2 ** 31 - 0.5) * 4; // +-2 ms
		};
		const { rates } = run(new SimElement(0), new DriftController(), 10_000, 100, noise);
		expect(rates.every((r) => r === 1)).toBe(true);
	});

	it('seeks on a large drift after two readings and learns the seek latency', () => {
		const el = new SimElement(800, 40);
		const controller = new DriftController();
		run(el, controller, 300);
		expect(el.seeks).toBe(1);
		// Further large jumps: each seek lands closer as the latency is learned.
		const residuals: number[] = [];
		for (let i = 0; i < 6; i++) {
			el.positionMs += 1_000; // e.g. the tab was frozen
			const { drifts } = run(el, controller, 300);
			residuals.push(Math.abs(drifts.at(-1)!));
		}
		expect(controller.seekLatencyMs).toBeGreaterThan(30);
		expect(controller.seekLatencyMs).toBeLessThan(50);
		expect(residuals.at(-1)!).toBeLessThan(residuals[0]!);
	});
});
