import {
	AppError,
	skipVotesNeeded,
	timelinePosition,
	type PlaybackCommand,
	type PlaybackSeek,
	type PlaybackState,
	type SkipResult,
	type SkipVote
} from '@chorus/protocol';
import { serverNowMs } from '../clock/clock.handlers.ts';
import type { Actor, MutationCtx, RoomContext } from '../rooms/room.context.ts';
import { loadQueue, loadRoom, type RoomRow, type Tx } from '../rooms/room.store.ts';

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

export class PlaybackService {
	constructor(private readonly rooms: RoomContext) {}

	/**
	 * Current item -> `status`; the next item in queue order starts at `startAtMs` (default: a
	 * moment from now). With nothing left a playing room goes idle (current null, not paused) and
	 * starts again when a track is added; a paused one stays stopped.
	 */
	async advance(m: MutationCtx, status: 'played' | 'skipped', startAtMs?: number): Promise<void> {
		const now = new Date();
		if (m.room.currentItemId) {
			await m.tx.queueItem.update({
				where: { id: m.room.currentItemId },
				data: { status, statusAt: now }
			});
		}
		const [next] = await loadQueue(m.tx, m.room);
		if (next) {
			await m.tx.queueItem.update({
				where: { id: next.id },
				data: { status: 'playing', statusAt: now, pinRank: null }
			});
		}
		await m.tx.room.update({
			where: { id: m.room.id },
			data: {
				currentItemId: next?.id ?? null,
				playbackPositionMs: 0,
				playbackAnchorMs: startAtMs ?? serverNowMs() + START_LEAD_MS,
				playbackPaused: next ? false : m.room.paused
			}
		});
		m.effects.push({ kind: 'playback' }, { kind: 'queue' });
	}

	async #state(m: MutationCtx, presentCount: number): Promise<{ playback: PlaybackState }> {
		m.effects.push({ kind: 'playback' });
		const room = (await loadRoom(m.tx, m.room.id))!;
		return { playback: await this.rooms.playback(m.tx, room, presentCount) };
	}

	/**
	 * Who is present, and how far ahead a command is scheduled: enough for the slowest member
	 * present to hear of it first (their reported round trip, twice over for jitter), never less
	 * than START_LEAD_MS. One cross-node query answers both.
	 */
	async #audience(roomId: string): Promise<{ present: Set<string>; leadMs: number }> {
		const sockets = await this.rooms.roomSockets(roomId);
		const slowest = Math.max(0, ...sockets.map(([, , rtt]) => rtt ?? 0));
		return {
			present: new Set(sockets.map(([userId]) => userId)),
			leadMs: Math.min(MAX_LEAD_MS, Math.max(START_LEAD_MS, 100 + 2 * slowest))
		};
	}

	/** A control command: permission, then (anchor, position, paused) effective at now + lead. */
	async #control(
		actor: Actor,
		p: PlaybackCommand,
		change: (m: MutationCtx, at: number) => Promise<void>
	) {
		const { present, leadMs } = await this.#audience(p.roomId);
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('playback:control');
			await change(m, serverNowMs() + leadMs);
			return this.#state(m, present.size);
		});
	}

	#setTimeline(m: MutationCtx, anchorMs: number, positionMs: number, paused: boolean) {
		return m.tx.room.update({
			where: { id: m.room.id },
			data: { playbackAnchorMs: anchorMs, playbackPositionMs: positionMs, playbackPaused: paused }
		});
	}

	play(actor: Actor, p: PlaybackCommand) {
		return this.#control(actor, p, async (m, at) => {
			if (!m.room.currentItemId) {
				const [next] = await loadQueue(m.tx, m.room);
				if (next) await this.advance(m, 'played', at);
				// Nothing to play yet: the room waits and starts with the first track added.
				else await m.tx.room.update({ where: { id: m.room.id }, data: { playbackPaused: false } });
			} else if (m.room.paused) {
				await this.#setTimeline(m, at, m.room.positionMs, false);
			}
		});
	}

	pause(actor: Actor, p: PlaybackCommand) {
		return this.#control(actor, p, async (m, at) => {
			if (m.room.paused) return;
			await this.#setTimeline(m, at, timelinePosition(m.room, at), true);
		});
	}

	seek(actor: Actor, p: PlaybackSeek) {
		return this.#control(actor, p, async (m, at) => {
			if (!m.room.currentItemId) throw new AppError('CONFLICT', 'Nothing is playing');
			const duration = await currentDuration(m.tx, m.room);
			// Seeking to the very end would end the track at once; stop a moment before.
			const target = Math.min(p.positionMs, Math.max(0, duration - 500));
			await this.#setTimeline(m, at, target, m.room.paused);
		});
	}

	skip(actor: Actor, p: PlaybackCommand) {
		return this.#control(actor, p, async (m, at) => {
			if (!m.room.currentItemId) throw new AppError('CONFLICT', 'Nothing is playing');
			await this.advance(m, 'skipped', at);
		});
	}

	/** Like every player: restart the track, or go back one when within its first seconds. */
	previous(actor: Actor, p: PlaybackCommand) {
		return this.#control(actor, p, async (m, at) => {
			const current = m.room.currentItemId;
			const now = serverNowMs();
			if (current && timelinePosition(m.room, now) > RESTART_THRESHOLD_MS) {
				await this.#setTimeline(m, at, 0, m.room.paused);
				return;
			}
			const previous = await m.tx.queueItem.findFirst({
				where: { roomId: m.room.id, status: { in: ['played', 'skipped'] } },
				orderBy: { statusAt: 'desc' },
				select: { id: true }
			});
			if (!previous) {
				if (!current) throw new AppError('CONFLICT', 'There is nothing to go back to');
				await this.#setTimeline(m, at, 0, m.room.paused);
				return;
			}
			if (current) await this.#requeueFirst(m, current);
			await m.tx.queueItem.update({
				where: { id: previous.id },
				data: { status: 'playing', statusAt: new Date(), pinRank: null }
			});
			await m.tx.skipVote.deleteMany({ where: { itemId: previous.id } });
			await m.tx.room.update({
				where: { id: m.room.id },
				data: {
					currentItemId: previous.id,
					playbackAnchorMs: at,
					playbackPositionMs: 0,
					playbackPaused: false
				}
			});
			m.effects.push({ kind: 'queue' });
		});
	}

	/** Puts the interrupted item back at the head of the queue (pinned before the rest). */
	async #requeueFirst(m: MutationCtx, itemId: string): Promise<void> {
		const item = (await m.tx.queueItem.findUnique({ where: { id: itemId } }))!;
		const duplicate = await m.tx.queueItem.count({
			where: { roomId: m.room.id, trackId: item.trackId, status: 'queued' }
		});
		if (duplicate > 0) {
			await m.tx.queueItem.update({ where: { id: itemId }, data: { status: 'played' } });
			return;
		}
		const first = await m.tx.queueItem.aggregate({
			where: { roomId: m.room.id, status: 'queued' },
			_min: { pinRank: true }
		});
		await m.tx.queueItem.update({
			where: { id: itemId },
			data: { status: 'queued', pinRank: (first._min.pinRank ?? 0) - 1 }
		});
	}

	/** Starts an idle room (playing, nothing current) once something is queued. */
	async startIfIdle(m: MutationCtx): Promise<void> {
		if (!m.room.currentItemId && !m.room.paused) await this.advance(m, 'played');
	}

	/** Moves the room on when its current item has (almost) ended; false when not due. */
	advanceIfEnded(roomId: string): Promise<boolean> {
		let endsAt: number | null = null;
		return this.rooms.mutateAsSystem(
			roomId,
			async (room, tx) => {
				endsAt = endsAtMs(room, await currentDuration(tx, room));
				return endsAt !== null && endsAt - serverNowMs() <= ADVANCE_AHEAD_MS;
			},
			async (m) => {
				// Gapless: the next item starts exactly when this one ends (or soon, if we are late).
				await this.advance(m, 'played', Math.max(endsAt!, serverNowMs() + START_LEAD_MS / 3));
			}
		);
	}

	/** Everyone may vote; the track goes at the threshold, or at once when its adder asks. */
	async skipVote(actor: Actor, p: SkipVote): Promise<SkipResult> {
		const { present, leadMs } = await this.#audience(p.roomId);
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			if (m.room.currentItemId !== p.itemId) {
				throw new AppError('CONFLICT', 'That track is no longer playing');
			}
			const item = (await m.tx.queueItem.findUnique({
				where: { id: p.itemId },
				select: { addedBy: true }
			}))!;
			await m.tx.skipVote.createMany({
				data: [{ itemId: p.itemId, userId: m.userId }],
				skipDuplicates: true
			});
			const votes = await m.tx.skipVote.count({ where: { itemId: p.itemId } });
			// The voter counts as present even if their socket has not joined the room.
			const needed = skipVotesNeeded(
				present.size + (present.has(m.userId) ? 0 : 1),
				m.room.settings.skipThresholdPercent
			);
			const skipped = item.addedBy === m.userId || votes >= needed;
			if (skipped) await this.advance(m, 'skipped', serverNowMs() + leadMs);
			else m.effects.push({ kind: 'playback' });
			return { skipped, votes, needed };
		});
	}
}

async function currentDuration(tx: Tx, room: RoomRow): Promise<number> {
	if (!room.currentItemId) return 0;
	const item = await tx.queueItem.findUnique({
		where: { id: room.currentItemId },
		select: { track: { select: { durationMs: true } } }
	});
	return item?.track.durationMs ?? 0;
}
