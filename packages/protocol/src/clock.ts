// NTP-style clock estimation. Pure maths so it can be unit-tested with synthetic samples.

export const CLOCK_BURST_SAMPLES = 16;
export const CLOCK_BURST_INTERVAL_MS = 50;
export const CLOCK_REFRESH_INTERVAL_MS = 5_000;
export const CLOCK_WINDOW_SAMPLES = 48;
/** How many of the lowest-RTT samples are averaged. */
export const CLOCK_BEST_SAMPLES = 4;

export interface ClockSample {
	/** server clock - client clock, in ms. */
	offsetMs: number;
	rttMs: number;
}

/**
 * t0 client send, t1 server receive, t2 server send, t3 client receive.
 * The offset assumes symmetric paths; any asymmetry biases it by half the difference,
 * which is why only the lowest-RTT samples (least queueing) are trusted.
 */
export function clockSample(t0: number, t1: number, t2: number, t3: number): ClockSample {
	return {
		rttMs: Math.max(0, t3 - t0 - (t2 - t1)),
		offsetMs: (t1 - t0 + (t2 - t3)) / 2
	};
}

export class ClockEstimator {
	readonly #window: ClockSample[] = [];
	readonly #windowSize: number;
	readonly #best: number;

	constructor(windowSize = CLOCK_WINDOW_SAMPLES, best = CLOCK_BEST_SAMPLES) {
		this.#windowSize = windowSize;
		this.#best = best;
	}

	add(sample: ClockSample): void {
		if (!Number.isFinite(sample.offsetMs) || !Number.isFinite(sample.rttMs)) return;
		this.#window.push(sample);
		if (this.#window.length > this.#windowSize) this.#window.shift();
	}

	reset(): void {
		this.#window.length = 0;
	}

	get sampleCount(): number {
		return this.#window.length;
	}

	#bestSamples(): ClockSample[] {
		return [...this.#window].sort((a, b) => a.rttMs - b.rttMs).slice(0, this.#best);
	}

	/** Mean offset of the lowest-RTT samples, or null before the first sample. */
	get offsetMs(): number | null {
		const best = this.#bestSamples();
		if (best.length === 0) return null;
		return best.reduce((s, x) => s + x.offsetMs, 0) / best.length;
	}

	/** The lowest RTT in the window. */
	get rttMs(): number | null {
		const best = this.#bestSamples();
		return best.length === 0 ? null : best[0]!.rttMs;
	}
}
