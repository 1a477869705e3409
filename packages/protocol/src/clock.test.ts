import { describe, expect, it } from 'vitest';
import { ClockEstimator, clockSample } from './clock.ts';

/** Deterministic PRNG so jitter scenarios are reproducible. */
function mulberry32(seed: number) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** One ping with a true offset, one-way delays up/down, and server processing time. */
function simulate(
	trueOffset: number,
	clientSend: number,
	up: number,
	down: number,
	processing = 0.05
) {
	const t0 = clientSend;
	const t1 = clientSend + up + trueOffset;
	const t2 = t1 + processing;
	const t3 = t2 - trueOffset + down;
	return clockSample(t0, t1, t2, t3);
}

describe('clockSample', () => {
	it('recovers offset and RTT exactly with symmetric delays', () => {
		const s = simulate(1234.5, 10_000, 3, 3, 0.2);
		expect(s.offsetMs).toBeCloseTo(1234.5, 9);
		expect(s.rttMs).toBeCloseTo(6, 9);
	});

	it('is biased by half the path asymmetry (why min-RTT filtering matters)', () => {
		const s = simulate(-500, 0, 10, 2);
		expect(s.offsetMs).toBeCloseTo(-500 + (10 - 2) / 2, 9);
		expect(s.rttMs).toBeCloseTo(12, 9);
	});

	it('never reports a negative RTT', () => {
		expect(clockSample(10, 5, 20, 12).rttMs).toBe(0);
	});
});

describe('ClockEstimator', () => {
	it('is empty before samples', () => {
		const e = new ClockEstimator();
		expect(e.offsetMs).toBeNull();
		expect(e.rttMs).toBeNull();
	});

	it('stays within 0.5 ms of the truth under heavy, asymmetric queueing jitter', () => {
		const rand = mulberry32(42);
		const trueOffset = 73_421.25;
		const e = new ClockEstimator(48, 4);
		let naiveSum = 0;
		for (let i = 0; i < 48; i++) {
			// 0.5 ms base each way; queueing adds up to 40 ms, mostly on the way up.
			const up = 0.5 + (rand() < 0.8 ? rand() * 40 : rand() * 0.2);
			const down = 0.5 + (rand() < 0.3 ? rand() * 10 : rand() * 0.2);
			const s = simulate(trueOffset, i * 50, up, down);
			naiveSum += s.offsetMs;
			e.add(s);
		}
		expect(Math.abs(e.offsetMs! - trueOffset)).toBeLessThan(0.5);
		// The plain mean is pulled far off by the asymmetric queueing, which is the point.
		expect(Math.abs(naiveSum / 48 - trueOffset)).toBeGreaterThan(3);
		expect(e.rttMs!).toBeLessThan(1.5);
	});

	it('forgets samples that slid out of the window', () => {
		const e = new ClockEstimator(4, 1);
		e.add({ offsetMs: 100, rttMs: 0.1 }); // best, but will slide out
		for (let i = 0; i < 4; i++) e.add({ offsetMs: 7, rttMs: 5 });
		expect(e.offsetMs).toBe(7);
		expect(e.sampleCount).toBe(4);
	});

	it('ignores non-finite samples and can be reset', () => {
		const e = new ClockEstimator();
		e.add({ offsetMs: Number.NaN, rttMs: 1 });
		expect(e.sampleCount).toBe(0);
		e.add({ offsetMs: 3, rttMs: 1 });
		e.reset();
		expect(e.offsetMs).toBeNull();
	});
});
