// Measures how much of a track was actually heard: position advances during normal playback
// count, jumps (seeks, restarts) and time spent paused or buffering do not.

/** Slack for timer jitter between two samples. */
const JITTER_MS = 750;

export class ListenMeter {
	listenedMs = 0;
	#lastPos: number | null = null;
	#lastWall = 0;

	/** Playback (re)started at `positionMs`. */
	resume(positionMs: number, now: number) {
		this.#lastPos = positionMs;
		this.#lastWall = now;
	}

	/** A position read while playing; counts the advance if it is plausible for the time passed. */
	sample(positionMs: number, now: number) {
		if (this.#lastPos === null) return this.resume(positionMs, now);
		const advanced = positionMs - this.#lastPos;
		const elapsed = now - this.#lastWall;
		if (advanced > 0 && advanced <= elapsed + JITTER_MS) this.listenedMs += advanced;
		this.#lastPos = positionMs;
		this.#lastWall = now;
	}

	/** A seek: whatever was heard up to `fromMs` counts, the jump does not. */
	jump(fromMs: number, toMs: number, now: number) {
		if (this.#lastPos !== null) {
			this.sample(fromMs, now);
			this.#lastPos = toMs;
		}
	}

	/** Paused or ended at `positionMs`; nothing counts until resume(). */
	pause(positionMs: number, now: number) {
		if (this.#lastPos !== null) this.sample(positionMs, now);
		this.#lastPos = null;
	}

	get running() {
		return this.#lastPos !== null;
	}
}
