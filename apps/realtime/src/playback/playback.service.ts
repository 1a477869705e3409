// The room timeline: play, pause, seek, skip, previous, skip votes and the advance at track end.
import {
	AppError,
	skipVotesNeeded,
	timelinePosition,
	type PlaybackAck,
	type PlaybackCommand,
	type PlaybackSeek,
	type PlaybackState,
	type SkipResult,
	type SkipVote
} from '@chorus/protocol';
import {
	loadRoom,
	serverNowMs,
	type Actor,
	type Engine,
	type MutationCtx,
	type RoomRow,
	type Tx
} from '../engine/index.ts';
import { publishQueue } from '../queue/queue.service.ts';
import { loadItem, loadQueue } from '../queue/queue.store.ts';
import {
	addSkipVote,
	clearSkipVotes,
	durationOf,
	itemAdder,
	lastFinished,
	loadSkipVoters,
	requeueFirst,
	setCurrent,
	setItemStatus,
	setPaused,
	setTimeline
} from './playback.store.ts';

/** Starts are scheduled this far ahead so every listener can begin at the same server instant. */
export const START_LEAD_MS = 300;
/**
 * The room moves to the next item this long before the current one ends, with the next start
 * scheduled at the exact end instant: listeners learn the next track early and switch gaplessly.
 */
export const ADVANCE_AHEAD_MS = 1_500;
export const MAX_LEAD_MS = 2_000;
/** "Previous" restarts the current track when more than this has played. */
export const RESTART_THRESHOLD_MS = 3_000;

/** Server instant at which the current item ends, or null when nothing is running. */
export function endsAtMs(room: RoomRow, durationMs: number): number | null {
	if (!room.currentItemId || room.paused) return null;
	return room.anchorMs + (durationMs - room.positionMs);
}

/** The timeline as clients see it; `presentCount` sets the skip threshold. */
export async function playbackState(
	tx: Tx,
	room: RoomRow,
	presentCount: number
): Promise<PlaybackState> {
	const item = room.currentItemId ? await loadItem(tx, room.id, room.currentItemId) : null;
	return {
		itemId: item?.id ?? null,
		trackId: item?.trackId ?? null,
		track: item?.track ?? null,
		addedBy: item?.addedBy ?? null,
		anchorMs: room.anchorMs,
		positionMs: room.positionMs,
		paused: room.paused,
		skipVoterIds: item ? await loadSkipVoters(tx, item.id) : [],
		skipNeeded: skipVotesNeeded(presentCount, room.settings.skipThresholdPercent)
	};
}

/** Broadcasts the timeline once this mutation commits (presence decides the skip threshold). */
export function publishPlayback(m: MutationCtx): void {
	m.publish('playback', async (tx, room) => {
		const state = await playbackState(tx, room, 0);
		return async (c) => {
			const present = await c.presence();
			const playback = {
				...state,
				skipNeeded: skipVotesNeeded(present.size, room.settings.skipThresholdPercent)
			};
			c.fanout.toRoom(room.id, 'playback:state', {
				roomId: room.id,
				version: c.version,
				playback,
				serverTime: serverNowMs()
			});
		};
	});
}

/**
 * Current item -> `status`; the next item in queue order starts at `startAtMs` (default: a
 * moment from now). With nothing left a playing room goes idle (current null, not paused) and
 * starts again when a track is added; a paused one stays stopped.
 */
export async function advance(
	m: MutationCtx,
	status: 'played' | 'skipped',
	startAtMs?: number
): Promise<void> {
	const now = new Date();
	if (m.room.currentItemId) await setItemStatus(m.tx, m.room.currentItemId, status, now);
	const [next] = await loadQueue(m.tx, m.room);
	if (next) await setItemStatus(m.tx, next.id, 'playing', now);
	await setCurrent(
		m.tx,
		m.room.id,
		m.version,
		next?.id ?? null,
		startAtMs ?? serverNowMs() + START_LEAD_MS,
		next ? false : m.room.paused
	);
	publishPlayback(m);
	publishQueue(m);
}

/** Starts an idle room (playing, nothing current) once something is queued. */
export async function startIfIdle(m: MutationCtx): Promise<void> {
	if (!m.room.currentItemId && !m.room.paused) await advance(m, 'played');
}

async function stateAfter(m: MutationCtx, presentCount: number): Promise<PlaybackAck> {
	publishPlayback(m);
	const room = (await loadRoom(m.tx, m.room.id))!;
	return { playback: await playbackState(m.tx, room, presentCount), version: m.version };
}

/**
 * Who is present, and how far ahead a command is scheduled: enough for the slowest member
 * present to hear of it first (their reported round trip, twice over for jitter), never less
 * than START_LEAD_MS. One cross-node query answers both.
 */
async function audience(engine: Engine, roomId: string) {
	const sockets = await engine.presence.sockets(roomId);
	const slowest = Math.max(0, ...sockets.map(([, , rtt]) => rtt ?? 0));
	return {
		present: new Set(sockets.map(([userId]) => userId)),
		leadMs: Math.min(MAX_LEAD_MS, Math.max(START_LEAD_MS, 100 + 2 * slowest))
	};
}

/**
 * A control command: permission, then — unless the timeline changed since the state the
 * command was based on — the change, effective at now + lead.
 */
async function control(
	engine: Engine,
	actor: Actor,
	p: PlaybackCommand,
	change: (m: MutationCtx, at: number) => Promise<void>
): Promise<PlaybackAck> {
	const { present, leadMs } = await audience(engine, p.roomId);
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('playback:control');
		if (p.basedOnVersion < m.room.timelineVersion) {
			throw new AppError(
				'STALE',
				'Playback changed since you last saw it (someone else acted first); try again'
			);
		}
		await change(m, serverNowMs() + leadMs);
		return stateAfter(m, present.size);
	});
}

export function play(engine: Engine, actor: Actor, p: PlaybackCommand) {
	return control(engine, actor, p, async (m, at) => {
		if (!m.room.currentItemId) {
			const [next] = await loadQueue(m.tx, m.room);
			if (next) await advance(m, 'played', at);
			// Nothing to play yet: the room waits and starts with the first track added.
			else await setPaused(m.tx, m.room.id, m.version, false);
		} else if (m.room.paused) {
			await setTimeline(m.tx, m.room.id, m.version, {
				anchorMs: at,
				positionMs: m.room.positionMs,
				paused: false
			});
		}
	});
}

export function pause(engine: Engine, actor: Actor, p: PlaybackCommand) {
	return control(engine, actor, p, async (m, at) => {
		if (m.room.paused) return;
		await setTimeline(m.tx, m.room.id, m.version, {
			anchorMs: at,
			positionMs: timelinePosition(m.room, at),
			paused: true
		});
	});
}

export function seek(engine: Engine, actor: Actor, p: PlaybackSeek) {
	return control(engine, actor, p, async (m, at) => {
		if (!m.room.currentItemId) throw new AppError('CONFLICT', 'Nothing is playing');
		const duration = await durationOf(m.tx, m.room.currentItemId);
		// Seeking to the very end would end the track at once; stop a moment before.
		const target = Math.min(p.positionMs, Math.max(0, duration - 500));
		await setTimeline(m.tx, m.room.id, m.version, {
			anchorMs: at,
			positionMs: target,
			paused: m.room.paused
		});
	});
}

export function skip(engine: Engine, actor: Actor, p: PlaybackCommand) {
	return control(engine, actor, p, async (m, at) => {
		if (!m.room.currentItemId) throw new AppError('CONFLICT', 'Nothing is playing');
		await advance(m, 'skipped', at);
	});
}

/** Like every player: restart the track, or go back one when within its first seconds. */
export function previous(engine: Engine, actor: Actor, p: PlaybackCommand) {
	return control(engine, actor, p, async (m, at) => {
		const current = m.room.currentItemId;
		const restart = () =>
			setTimeline(m.tx, m.room.id, m.version, {
				anchorMs: at,
				positionMs: 0,
				paused: m.room.paused
			});
		if (current && timelinePosition(m.room, serverNowMs()) > RESTART_THRESHOLD_MS) {
			await restart();
			return;
		}
		const prev = await lastFinished(m.tx, m.room.id);
		if (!prev) {
			if (!current) throw new AppError('CONFLICT', 'There is nothing to go back to');
			await restart();
			return;
		}
		if (current) await requeueFirst(m.tx, m.room.id, current);
		await setItemStatus(m.tx, prev.id, 'playing');
		await clearSkipVotes(m.tx, prev.id);
		await setCurrent(m.tx, m.room.id, m.version, prev.id, at, false);
		publishQueue(m);
	});
}

/** Moves the room on when its current item has (almost) ended; false when not due. */
export function advanceIfEnded(engine: Engine, roomId: string): Promise<boolean> {
	let endsAt: number | null = null;
	return engine.mutateAsSystem(
		roomId,
		async (room, tx) => {
			endsAt = endsAtMs(room, await durationOf(tx, room.currentItemId));
			return endsAt !== null && endsAt - serverNowMs() <= ADVANCE_AHEAD_MS;
		},
		async (m) => {
			// Gapless: the next item starts exactly when this one ends (or soon, if we are late).
			await advance(m, 'played', Math.max(endsAt!, serverNowMs() + START_LEAD_MS / 3));
		}
	);
}

/**
 * Pauses a playing room nobody listens to (position kept), so it does not play its queue away
 * to an empty room; someone present resumes it with play. Once, across nodes.
 */
export function pauseUnattended(engine: Engine, roomId: string): Promise<boolean> {
	return engine.mutateAsSystem(
		roomId,
		async (room) => !room.paused && room.currentItemId !== null,
		async (m) => {
			const at = serverNowMs();
			await setTimeline(m.tx, m.room.id, m.version, {
				anchorMs: at,
				positionMs: timelinePosition(m.room, at),
				paused: true
			});
			publishPlayback(m);
		}
	);
}

/** Everyone may vote; the track goes at the threshold, or at once when its adder asks. */
export async function skipVote(engine: Engine, actor: Actor, p: SkipVote): Promise<SkipResult> {
	const { present, leadMs } = await audience(engine, p.roomId);
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		if (m.room.currentItemId !== p.itemId) {
			throw new AppError('CONFLICT', 'That track is no longer playing');
		}
		const item = (await itemAdder(m.tx, p.itemId))!;
		const votes = await addSkipVote(m.tx, p.itemId, m.userId);
		// The voter counts as present even if their socket has not joined the room.
		const needed = skipVotesNeeded(
			present.size + (present.has(m.userId) ? 0 : 1),
			m.room.settings.skipThresholdPercent
		);
		const skipped = item.addedBy === m.userId || votes >= needed;
		if (skipped) await advance(m, 'skipped', serverNowMs() + leadMs);
		else publishPlayback(m);
		return { skipped, votes, needed };
	});
}
