// Plays a room's timeline on this device, in step with everyone else in the room.
//
// Why plain audio elements and not howler here: holding sync needs the element itself
// (currentTime read at a known instant, playbackRate, a second element preloaded for a gapless
// change), which howler keeps private in its html5 mode. Solo listening keeps using howler.
import {
	DriftController,
	stateInForce,
	timelinePosition,
	type PlaybackState
} from '@chorus/protocol';
import type { ClockSync } from '$lib/realtime/clock.svelte';

/** How often the drift controller reads the element. */
export const SYNC_TICK_MS = 100;
/** Paused elements are re-positioned only when further off than this. */
const PAUSED_TOLERANCE_MS = 30;
/** The smoothing of the displayed drift (the controller works on raw readings). */
const DRIFT_DISPLAY_ALPHA = 0.3;
const MAX_STATES = 6;
/** Two states whose positions differ by less than this are one continuous timeline. */
const CONTINUITY_MS = 5;
/** An unbuffered element is fetched from this far ahead of the room, to start there. */
const PRIME_AHEAD_MS = 1_000;

export type RoomPlayerStatus = 'idle' | 'waiting' | 'playing' | 'paused' | 'blocked' | 'remote';

interface Scheduled extends PlaybackState {
	version: number;
}

export interface SyncSample {
	/** True wall clock of this page (performance.timeOrigin + performance.now()). */
	wallMs: number;
	/** This page's estimate of server time at the same instant. */
	serverMs: number | null;
	itemId: string | null;
	/** The audio element's position, or null when no audio plays here. */
	positionMs: number | null;
	/** Where the room timeline says it should be. */
	expectedMs: number | null;
	rate: number;
	status: RoomPlayerStatus;
}

export class RoomPlayer {
	status = $state<RoomPlayerStatus>('idle');
	/** Smoothed audio position minus timeline (ms); null when not playing here. */
	driftMs = $state<number | null>(null);
	rate = $state(1);
	listening = $state(true);
	muted = $state(false);
	volume = $state(1);

	readonly #clock: ClockSync;
	readonly #controller = new DriftController();
	#states: Scheduled[] = [];
	/** Elements by stream URL: the current one and the preloaded next one. */
	// Bookkeeping of DOM-less elements, never rendered: no reactivity wanted.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#elements = new Map<string, HTMLAudioElement>();
	#current: HTMLAudioElement | null = null;
	/** Elements fetching data before their first start. */
	#priming = new WeakSet<HTMLAudioElement>();
	/** The state the current element was last started or sought for. */
	#positioned: Scheduled | null = null;
	#starting = false;
	#timer: ReturnType<typeof setInterval>;
	#wake: ReturnType<typeof setTimeout> | undefined;
	#destroyed = false;

	constructor(clock: ClockSync) {
		this.#clock = clock;
		this.#timer = setInterval(() => this.tick(), SYNC_TICK_MS);
		document.addEventListener('visibilitychange', this.#onVisibility);
		// Read-only hook for e2e tests and bench/sync, which sample every listener's position.
		(globalThis as { __chorusRoomPlayer?: RoomPlayer }).__chorusRoomPlayer = this;
	}

	/** A new timeline from the server (snapshot or playback:state). */
	apply(playback: PlaybackState, version: number): void {
		// The same version may arrive twice (ack and broadcast): the last copy wins.
		this.#states = this.#states.filter((s) => s.version !== version);
		this.#states.push({ ...playback, version });
		this.#states.sort((a, b) => a.version - b.version);
		// Anything older than the newest state already in force can never be in force again.
		const now = this.#clock.serverNow();
		const inForce = now === null ? null : stateInForce(this.#states, now);
		if (inForce) this.#states = this.#states.filter((s) => s.version >= inForce.version);
		this.#states = this.#states.slice(-MAX_STATES);
		this.#schedule();
		this.tick();
	}

	/** Starts fetching the next track so the change is gapless. */
	preload(streamUrl: string | null): void {
		if (!streamUrl || this.#elements.has(streamUrl)) return;
		this.#element(streamUrl);
		// Only the current and the next element are kept.
		for (const [url, el] of this.#elements) {
			if (el !== this.#current && url !== streamUrl) this.#drop(url);
		}
	}

	/** Called from a user gesture after the browser blocked autoplay. */
	async resume(): Promise<void> {
		this.listening = true;
		this.#starting = false;
		const el = this.#current;
		if (!el) return this.tick();
		// play() first, inside the gesture; the next tick then puts it where the room is.
		this.#positioned = null;
		try {
			await el.play();
			this.status = 'playing';
		} catch {
			this.status = 'blocked';
		}
		this.tick();
	}

	setListening(listening: boolean): void {
		this.listening = listening;
		if (!listening) for (const el of this.#elements.values()) el.pause();
		this.#controller.reset();
		this.tick();
	}

	setMuted(muted: boolean): void {
		this.muted = muted;
		for (const el of this.#elements.values()) el.muted = muted;
	}

	setVolume(volume: number): void {
		this.volume = Math.max(0, Math.min(1, volume));
		for (const el of this.#elements.values()) el.volume = this.volume;
	}

	/** One reading: what the room says vs what this element does, taken at the same instant. */
	sample(): SyncSample {
		const wallMs = performance.timeOrigin + performance.now();
		const el = this.#current;
		const positionMs = el && !el.paused ? el.currentTime * 1000 : null;
		const serverMs = this.#clock.serverNow();
		const state = this.#inForce(serverMs);
		return {
			wallMs,
			serverMs,
			itemId: state?.itemId ?? null,
			positionMs,
			expectedMs: state && serverMs !== null ? timelinePosition(state, serverMs) : null,
			rate: el?.playbackRate ?? 1,
			status: this.status
		};
	}

	#inForce(serverMs: number | null): Scheduled | null {
		if (serverMs === null) return null;
		// Before the first anchor passes (a snapshot of a resume scheduled ahead), hold its start.
		return stateInForce(this.#states, serverMs) ?? this.#states[0] ?? null;
	}

	tick(): void {
		if (this.#destroyed) return;
		const now = this.#clock.serverNow();
		if (now === null) return;
		const current = this.#inForce(now);
		if (!current) return;
		// A start or seek takes this device `lead` ms to be heard, so both are made that early,
		// for whatever will be in force by then.
		const lead = this.#controller.seekLatencyMs;
		const upcoming = this.#inForce(now + lead) ?? current;
		const next = this.#states.find((st) => st.version > upcoming.version);
		if (next?.track) this.preload(next.track.streamUrl);

		if (!this.listening) {
			this.#stopAll();
			this.status = 'remote';
			return;
		}
		const playing = (st: Scheduled) =>
			!st.paused &&
			st.itemId !== null &&
			st.track !== null &&
			timelinePosition(st, now + lead) < st.track.durationMs;

		if (playing(upcoming) && !this.#continues(upcoming, now + lead)) {
			this.#position(upcoming, now + lead);
		}
		// The element of what is audible now: an older one plays out until its successor's anchor.
		for (const [url, el] of this.#elements) {
			const keep = url === current.track?.streamUrl || url === upcoming.track?.streamUrl;
			if (!keep && !el.paused) el.pause();
		}
		if (!playing(current) || !current.track) {
			if (!playing(upcoming)) this.#hold(current, now);
			return;
		}
		const el = this.#elements.get(current.track.streamUrl);
		if (!el || el !== this.#current || this.#positioned?.version !== current.version) {
			// Pre-rolling for a state not in force yet: nothing to measure against until it is.
			return;
		}
		if (el.paused) {
			// An element that ended (its file a few ms shorter than the tags said) stays ended:
			// restarting it would replay its start. The next item's anchor takes over.
			if (!this.#starting && !el.ended) this.#position(current, now + lead);
			return;
		}
		// currentTime and the server clock are read back to back: one instant.
		const actual = el.currentTime * 1000;
		const at = this.#clock.serverNow()!;
		const expected = timelinePosition(current, at);
		const action = this.#controller.update(actual, expected, at);
		if (action.kind === 'seek') {
			el.currentTime = action.toMs / 1000;
			el.playbackRate = 1;
		} else if (el.playbackRate !== action.rate) {
			el.playbackRate = action.rate;
		}
		this.rate = el.playbackRate;
		const drift = actual - expected;
		this.driftMs =
			this.driftMs === null ? drift : this.driftMs + DRIFT_DISPLAY_ALPHA * (drift - this.driftMs);
		this.status = 'playing';
	}

	/** True when `st` plays on from what the element was set up for (same item, same timeline). */
	#continues(st: Scheduled, at: number): boolean {
		const p = this.#positioned;
		if (!p || p.itemId !== st.itemId || p.paused || !this.#current || this.#current.paused) {
			return false;
		}
		if (Math.abs(timelinePosition(p, at) - timelinePosition(st, at)) > CONTINUITY_MS) return false;
		this.#positioned = st;
		return true;
	}

	/** Starts or seeks the element so that it is at `st`'s position at server time `at`. */
	#position(st: Scheduled, at: number): void {
		const el = this.#element(st.track!.streamUrl);
		this.#current = el;
		if (el.paused && el.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) {
			// Not buffered yet (a late join): fetch around where the room will be in a moment and
			// start once data is there; starting now would stall and land far behind.
			if (!this.#priming.has(el)) {
				this.#priming.add(el);
				el.currentTime = (timelinePosition(st, at) + PRIME_AHEAD_MS) / 1000;
			}
			this.status = 'waiting';
			return;
		}
		this.#priming.delete(el);
		this.#positioned = st;
		el.currentTime = timelinePosition(st, at) / 1000;
		el.playbackRate = 1;
		this.#controller.noteSeek();
		if (!el.paused || this.#starting) return;
		this.#starting = true;
		el.play().then(
			() => {
				this.#starting = false;
				this.status = 'playing';
			},
			(err: unknown) => {
				this.#starting = false;
				this.#positioned = null;
				// Autoplay policy: only a gesture can start audio; the UI asks for one.
				if (err instanceof DOMException && err.name === 'NotAllowedError') this.status = 'blocked';
			}
		);
	}

	/** Paused, stopped or between tracks: the element rests at the timeline's position. */
	#hold(st: Scheduled, now: number): void {
		this.driftMs = null;
		this.#positioned = null;
		if (!st.itemId || !st.track) {
			this.#stopAll();
			this.status = st.paused ? 'idle' : 'waiting';
			return;
		}
		const el = this.#element(st.track.streamUrl);
		this.#current = el;
		if (!el.paused) el.pause();
		const expected = Math.min(timelinePosition(st, now), st.track.durationMs);
		if (Math.abs(el.currentTime * 1000 - expected) > PAUSED_TOLERANCE_MS) {
			el.currentTime = expected / 1000;
		}
		this.status = st.paused ? 'paused' : 'waiting';
	}

	/**
	 * Wakes exactly when something is due: a start/seek this device's latency before its anchor
	 * (so it is heard at the anchor), and at the anchor itself (the previous element stops).
	 */
	#schedule(): void {
		clearTimeout(this.#wake);
		const now = this.#clock.serverNow();
		if (now === null) return;
		const lead = this.#controller.seekLatencyMs;
		const due = this.#states
			.flatMap((st) => [st.anchorMs - lead, st.anchorMs])
			.filter((t) => t > now);
		if (due.length === 0) return;
		this.#wake = setTimeout(
			() => {
				this.tick();
				this.#schedule();
			},
			Math.min(...due) - now
		);
	}

	#element(url: string): HTMLAudioElement {
		let el = this.#elements.get(url);
		if (!el) {
			el = new Audio();
			el.preload = 'auto';
			el.muted = this.muted;
			el.volume = this.volume;
			// Keep the pitch while steering the rate (the default, said explicitly).
			el.preservesPitch = true;
			el.src = url;
			el.load();
			this.#elements.set(url, el);
		}
		return el;
	}

	#drop(url: string): void {
		const el = this.#elements.get(url);
		if (!el) return;
		el.pause();
		el.removeAttribute('src');
		el.load();
		this.#elements.delete(url);
	}

	#stopAll(): void {
		for (const el of this.#elements.values()) if (!el.paused) el.pause();
		this.driftMs = null;
	}

	#onVisibility = () => {
		// Timers were throttled in the background: re-read from scratch.
		if (document.visibilityState === 'visible') {
			this.#controller.reset();
			this.tick();
		}
	};

	destroy(): void {
		this.#destroyed = true;
		clearInterval(this.#timer);
		clearTimeout(this.#wake);
		document.removeEventListener('visibilitychange', this.#onVisibility);
		for (const url of [...this.#elements.keys()]) this.#drop(url);
		this.#current = null;
	}
}
