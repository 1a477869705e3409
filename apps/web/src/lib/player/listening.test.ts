import { describe, expect, it } from 'vitest';
import { ListenMeter } from './listening.ts';

describe('ListenMeter', () => {
	it('counts position advancing during playback', () => {
		const m = new ListenMeter();
		m.resume(0, 1000);
		m.sample(250, 1250);
		m.sample(500, 1500);
		m.sample(10_500, 11_500);
		expect(m.listenedMs).toBe(10_500);
	});
	it('does not count a seek forward', () => {
		const m = new ListenMeter();
		m.resume(0, 0);
		m.sample(1000, 1000);
		m.jump(1200, 60_000, 1200);
		m.sample(60_300, 1500);
		expect(m.listenedMs).toBe(1500);
	});
	it('does not count a jump forward that the timer noticed before the seek was reported', () => {
		const m = new ListenMeter();
		m.resume(0, 0);
		m.sample(90_000, 250);
		expect(m.listenedMs).toBe(0);
	});
	it('does not count a seek backward, then counts the replay', () => {
		const m = new ListenMeter();
		m.resume(0, 0);
		m.sample(5000, 5000);
		m.jump(5000, 0, 5000);
		m.sample(2000, 7000);
		expect(m.listenedMs).toBe(7000);
	});
	it('does not count time spent paused', () => {
		const m = new ListenMeter();
		m.resume(0, 0);
		m.pause(3000, 3000);
		expect(m.running).toBe(false);
		m.sample(3000, 60_000);
		m.resume(3000, 60_000);
		m.sample(4000, 61_000);
		expect(m.listenedMs).toBe(4000);
	});
	it('does not count a stalled position (buffering)', () => {
		const m = new ListenMeter();
		m.resume(1000, 0);
		m.sample(1000, 5000);
		m.sample(1250, 5250);
		expect(m.listenedMs).toBe(250);
	});
	it('a seek while paused counts nothing', () => {
		const m = new ListenMeter();
		m.jump(0, 50_000, 0);
		expect(m.listenedMs).toBe(0);
		expect(m.running).toBe(false);
	});
});
