import {
	CLOCK_BURST_INTERVAL_MS,
	CLOCK_BURST_SAMPLES,
	CLOCK_REFRESH_INTERVAL_MS,
	ClockEstimator,
	clockSample
} from '@chorus/protocol';
import type { RealtimeSocket } from './socket';

const PING_TIMEOUT_MS = 2_000;
const REFRESH_SAMPLES = 4;

const clientNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Estimates server clock - client clock with NTP-style pings: a burst at connect, a few samples
 * every few seconds, min-RTT filtering over a sliding window; recalibrates after reconnects and
 * when the tab becomes visible again (timers are throttled in background tabs).
 */
export class ClockSync {
	offsetMs = $state<number | null>(null);
	rttMs = $state<number | null>(null);
	samples = $state(0);

	#estimator = new ClockEstimator();
	#socket: RealtimeSocket;
	#timer: ReturnType<typeof setInterval> | undefined;
	#generation = 0;

	constructor(socket: RealtimeSocket) {
		this.#socket = socket;
		socket.on('connect', this.#calibrate);
		document.addEventListener('visibilitychange', this.#onVisibility);
		if (socket.connected) this.#calibrate();
	}

	/** Estimated server time now, or null before the first sample. */
	serverNow(): number | null {
		return this.offsetMs === null ? null : clientNow() + this.offsetMs;
	}

	#onVisibility = () => {
		if (document.visibilityState === 'visible' && this.#socket.connected) this.#calibrate();
	};

	#calibrate = () => {
		const generation = ++this.#generation;
		this.#estimator.reset();
		clearInterval(this.#timer);
		void this.#burst(CLOCK_BURST_SAMPLES, generation);
		this.#timer = setInterval(
			() => void this.#burst(REFRESH_SAMPLES, generation),
			CLOCK_REFRESH_INTERVAL_MS
		);
	};

	async #burst(count: number, generation: number) {
		for (let i = 0; i < count && generation === this.#generation && this.#socket.connected; i++) {
			await this.#ping();
			await sleep(CLOCK_BURST_INTERVAL_MS);
		}
	}

	async #ping() {
		const t0 = clientNow();
		try {
			// Our round trip tells the server how far ahead to schedule commands for us.
			const rtt = this.rttMs === null ? {} : { rttMs: Math.min(this.rttMs, 60_000) };
			const res = await this.#socket
				.timeout(PING_TIMEOUT_MS)
				.emitWithAck('clock:ping', { t0, ...rtt });
			const t3 = clientNow();
			if (!res.ok) return;
			this.#estimator.add(clockSample(t0, res.data.t1, res.data.t2, t3));
			this.offsetMs = this.#estimator.offsetMs;
			this.rttMs = this.#estimator.rttMs;
			this.samples = this.#estimator.sampleCount;
		} catch {
			// timed out: the sample is simply missing
		}
	}

	destroy() {
		this.#generation++;
		clearInterval(this.#timer);
		this.#socket.off('connect', this.#calibrate);
		document.removeEventListener('visibilitychange', this.#onVisibility);
	}
}
