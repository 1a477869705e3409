// The maths of bench/sync, separate from the browsers so it can be read (and checked) alone.
//
// Ground truth: every process here runs on one machine, so every page's wall clock
// (performance.timeOrigin + performance.now()) and the realtime service's clock are the same
// clock. A listener's audio position read at wall instant w can therefore be carried to any
// other instant exactly, and compared with the room timeline the server published — without
// trusting the app's own clock estimate, which is one of the things under test.
import { stateInForce, timelinePosition } from '@chorus/protocol';
import { percentile } from '../lib/measure.ts';

/** What `globalThis.__chorusRoomPlayer.sample()` returns (apps/web RoomPlayer). */
export interface PlayerSample {
	wallMs: number;
	serverMs: number | null;
	itemId: string | null;
	positionMs: number | null;
	expectedMs: number | null;
	rate: number;
	status: string;
}

/** One sampling round: every listener read at (nearly) the same moment; null = not in the room. */
export interface Round {
	/** Wall clock of the round (median of the samples' wall times). */
	t: number;
	samples: (PlayerSample | null)[];
}

/** A room timeline the server broadcast (playback:state), with the track length. */
export interface TruthState {
	version: number;
	anchorMs: number;
	positionMs: number;
	paused: boolean;
	itemId: string | null;
	durationMs: number;
}

export interface BenchEvent {
	kind: 'start' | 'join' | 'seek' | 'pause' | 'resume' | 'track end' | 'skip';
	/** Wall instant it takes effect: the command's anchor, or when the late listener navigated. */
	atMs: number;
}

/** Spread targets and windows (from the issue). */
export const CONVERGED_MS = 20;
export const CONVERGED_HOLD_MS = 1_000;
export const STEADY_AFTER_MS = 2_500;
/**
 * Agreeing with each other is not enough after a seek: everyone still at the old position
 * agrees too. Converged also means every listener is this close to the server's timeline.
 */
export const ON_TIMELINE_MS = 100;

/** The server's timeline at wall instant t: item and position, or null when nothing plays. */
export function truthAt(
	states: readonly TruthState[],
	t: number
): { itemId: string; positionMs: number } | null {
	const s = stateInForce(states, t);
	if (!s || !s.itemId || s.paused) return null;
	const positionMs = timelinePosition(s, t);
	if (positionMs >= s.durationMs) return null;
	return { itemId: s.itemId, positionMs };
}

/** A playing sample's audio position carried to wall instant t (the element runs at `rate`). */
export function positionAt(s: PlayerSample, t: number): number {
	return s.positionMs! + (t - s.wallMs) * s.rate;
}

export interface RoundView {
	t: number;
	/** The item the server says plays at t, or null (paused, idle, between tracks). */
	itemId: string | null;
	/** Listeners in the room at t (their page was opened). */
	present: number;
	/** Of those, listeners whose element plays the server's item. */
	playing: number;
	/** max - min of the playing listeners' positions at t; null with fewer than 2. */
	spreadMs: number | null;
	/** Largest |error vs the server timeline| of the playing listeners; null with none. */
	maxAbsErrorMs: number | null;
	/**
	 * Every present listener plays the server's item, within CONVERGED_MS of each other and
	 * ON_TIMELINE_MS of the timeline (a lone listener: within CONVERGED_MS of the timeline).
	 */
	converged: boolean;
}

export function viewRound(round: Round, states: readonly TruthState[]): RoundView {
	const truth = truthAt(states, round.t);
	const present = round.samples.filter((s) => s !== null);
	const playing = present.filter(
		(s) => truth && s.positionMs !== null && s.itemId === truth.itemId
	);
	const positions = playing.map((s) => positionAt(s, round.t));
	const spreadMs = positions.length >= 2 ? Math.max(...positions) - Math.min(...positions) : null;
	const errors = playing.map((s) => Math.abs(errorVsTruth(s, states) ?? Infinity));
	const maxAbsErrorMs = errors.length ? Math.max(...errors) : null;
	return {
		t: round.t,
		itemId: truth?.itemId ?? null,
		present: present.length,
		playing: playing.length,
		spreadMs,
		maxAbsErrorMs,
		converged:
			truth !== null &&
			present.length >= 1 &&
			playing.length === present.length &&
			maxAbsErrorMs !== null &&
			(spreadMs === null
				? maxAbsErrorMs <= CONVERGED_MS // one listener: against the timeline itself
				: spreadMs <= CONVERGED_MS && maxAbsErrorMs <= ON_TIMELINE_MS)
	};
}

/** Rounds at least STEADY_AFTER_MS after every event, with the room playing. */
export function isSteady(view: RoundView, events: readonly BenchEvent[]): boolean {
	if (view.itemId === null) return false;
	const last = events.filter((e) => e.atMs <= view.t).at(-1);
	return last !== undefined && view.t - last.atMs > STEADY_AFTER_MS;
}

/**
 * Time from the event until the spread is within CONVERGED_MS and stays there for
 * CONVERGED_HOLD_MS (before the next event); null when that never happens. The resolution is
 * the sampling interval.
 */
export function reconvergeMs(
	views: readonly RoundView[],
	event: BenchEvent,
	nextEventAtMs: number
): number | null {
	const window = views.filter((v) => v.t >= event.atMs && v.t < nextEventAtMs);
	for (let i = 0; i < window.length; i++) {
		const from = window[i]!.t;
		let held = false;
		for (let j = i; j < window.length && window[j]!.converged; j++) {
			if (window[j]!.t - from >= CONVERGED_HOLD_MS) {
				held = true;
				break;
			}
		}
		if (held) return from - event.atMs;
	}
	return null;
}

/** A page acts on a scheduled change on its next timer: readings this soon after are not held against it. */
export const REACTION_MS = 100;

/**
 * The worst |error vs the timeline| of any listener from REACTION_MS to `withinMs` after the
 * event: how far off the start (or seek) landed before the controller worked it off.
 */
export function peakErrorMs(
	rounds: readonly Round[],
	states: readonly TruthState[],
	event: BenchEvent,
	withinMs: number
): number | null {
	let peak: number | null = null;
	for (const r of rounds) {
		if (r.t < event.atMs + REACTION_MS || r.t > event.atMs + withinMs) continue;
		for (const s of r.samples) {
			const err = errorVsTruth(s, states);
			if (err !== null) peak = Math.max(peak ?? 0, Math.abs(err));
		}
	}
	return peak;
}

/**
 * A listener's error against the server timeline (ms, + = ahead): its position at its own
 * sampling instant minus where the room is at that instant. Null when it or the room is not
 * playing the same item.
 */
export function errorVsTruth(s: PlayerSample | null, states: readonly TruthState[]): number | null {
	if (!s || s.positionMs === null) return null;
	const truth = truthAt(states, s.wallMs);
	if (!truth || truth.itemId !== s.itemId) return null;
	return s.positionMs - truth.positionMs;
}

export interface Dist {
	n: number;
	p50: number;
	p95: number;
	max: number;
}

export function dist(values: number[]): Dist {
	const s = [...values].sort((a, b) => a - b);
	return {
		n: s.length,
		p50: percentile(s, 50),
		p95: percentile(s, 95),
		max: s.length ? s[s.length - 1]! : NaN
	};
}
