import {
	AppError,
	skipVotesNeeded,
	type PlaybackCommand,
	type PlaybackState,
	type SkipResult,
	type SkipVote
} from '@chorus/protocol';
import { serverNowMs } from '../clock/clock.handlers.ts';
import type { Actor, MutationCtx, RoomContext } from '../rooms/room.context.ts';
import { loadQueue } from '../rooms/room.store.ts';

/** Starts are scheduled this far ahead so every listener can begin at the same server instant. */
export const START_LEAD_MS = 300;

export class PlaybackService {
	constructor(private readonly rooms: RoomContext) {}

	/** Current item -> `status`; the next item in queue order starts (or the room stops). */
	async advance(m: MutationCtx, status: 'played' | 'skipped'): Promise<void> {
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
				playbackAnchorMs: serverNowMs() + START_LEAD_MS,
				playbackPaused: !next
			}
		});
		m.effects.push({ kind: 'playback' }, { kind: 'queue', items: [] });
	}

	#state = async (m: MutationCtx): Promise<{ playback: PlaybackState }> => {
		const effect = m.effects.find((e) => e.kind === 'playback');
		if (!effect) m.effects.push({ kind: 'playback' });
		const room = (await m.tx.room.findUnique({
			where: { id: m.room.id },
			select: {
				currentItemId: true,
				playbackAnchorMs: true,
				playbackPositionMs: true,
				playbackPaused: true
			}
		}))!;
		const playback = await this.rooms.playback(
			m.tx,
			{
				...m.room,
				currentItemId: room.currentItemId,
				anchorMs: room.playbackAnchorMs,
				positionMs: room.playbackPositionMs,
				paused: room.playbackPaused
			},
			(await this.rooms.presence(m.room.id)).size
		);
		return { playback };
	};

	play(actor: Actor, p: PlaybackCommand) {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('playback:control');
			if (!m.room.currentItemId) {
				const [next] = await loadQueue(m.tx, m.room);
				if (!next) throw new AppError('CONFLICT', 'The queue is empty: add a track first');
				await this.advance(m, 'played');
			} else if (m.room.paused) {
				await m.tx.room.update({
					where: { id: m.room.id },
					data: { playbackPaused: false, playbackAnchorMs: serverNowMs() + START_LEAD_MS }
				});
			}
			return this.#state(m);
		});
	}

	pause(actor: Actor, p: PlaybackCommand) {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('playback:control');
			if (!m.room.paused) {
				const now = serverNowMs();
				await m.tx.room.update({
					where: { id: m.room.id },
					data: {
						playbackPaused: true,
						playbackAnchorMs: now,
						playbackPositionMs: m.room.positionMs + Math.max(0, now - m.room.anchorMs)
					}
				});
			}
			return this.#state(m);
		});
	}

	skip(actor: Actor, p: PlaybackCommand) {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('playback:control');
			if (!m.room.currentItemId) throw new AppError('CONFLICT', 'Nothing is playing');
			await this.advance(m, 'skipped');
			return this.#state(m);
		});
	}

	/** Everyone may vote; the track goes at the threshold, or at once when its adder asks. */
	async skipVote(actor: Actor, p: SkipVote): Promise<SkipResult> {
		const present = await this.rooms.presence(p.roomId);
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
			if (skipped) await this.advance(m, 'skipped');
			else m.effects.push({ kind: 'playback' });
			return { skipped, votes, needed };
		});
	}
}
