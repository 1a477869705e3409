import {
	AppError,
	QUEUE_MAX_ITEMS,
	type QueueAdd,
	type QueueItem,
	type QueueMove,
	type QueuePin,
	type QueueRemove,
	type VoteCast
} from '@chorus/protocol';
import type { PlaybackService } from '../playback/playback.service.ts';
import type { Actor, MutationCtx, RoomContext } from '../rooms/room.context.ts';
import { loadItem, loadQueue, withVote } from '../rooms/room.store.ts';

const notInQueue = () => new AppError('NOT_FOUND', 'That track is not waiting in this queue');

async function queuedItem(m: MutationCtx, itemId: string) {
	const item = await loadItem(m.tx, m.room.id, itemId);
	if (!item || item.status !== 'queued') throw notInQueue();
	return item;
}

export class QueueService {
	constructor(
		private readonly rooms: RoomContext,
		private readonly playback: PlaybackService
	) {}

	add(actor: Actor, p: QueueAdd): Promise<{ item: QueueItem }> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('queue:add');
			// Any track the member may see: public, unlisted (shared by link) or their own.
			const track = await m.tx.track.findUnique({
				where: { id: p.trackId },
				select: { ownerId: true, visibility: true, processingStatus: true }
			});
			if (!track || (track.visibility === 'private' && track.ownerId !== m.userId)) {
				throw new AppError('NOT_FOUND', 'No such track');
			}
			if (track.processingStatus === 'failed') {
				throw new AppError('CONFLICT', 'This track could not be processed and cannot be played');
			}
			const waiting = await m.tx.queueItem.count({
				where: { roomId: m.room.id, status: 'queued' }
			});
			if (waiting >= QUEUE_MAX_ITEMS) {
				throw new AppError('CONFLICT', `The queue is full (${QUEUE_MAX_ITEMS} tracks)`);
			}
			if (m.member.role === 'listener') {
				const mine = await m.tx.queueItem.count({
					where: { roomId: m.room.id, status: 'queued', addedBy: m.userId }
				});
				const limit = m.room.settings.maxPendingPerMember;
				if (mine >= limit) {
					throw new AppError(
						'CONFLICT',
						`You already have ${limit} track${limit === 1 ? '' : 's'} waiting; wait for one to play`
					);
				}
			}
			// DO NOTHING (not an error) so a duplicate does not abort the transaction.
			const rows = await m.tx.$queryRaw<{ id: string }[]>`
				INSERT INTO queue_items (room_id, track_id, added_by)
				VALUES (${m.room.id}::uuid, ${p.trackId}::uuid, ${m.userId}::uuid)
				ON CONFLICT DO NOTHING RETURNING id`;
			if (!rows[0]) throw new AppError('CONFLICT', 'This track is already in the queue');
			const item = (await loadItem(m.tx, m.room.id, rows[0].id))!;
			m.effects.push({ kind: 'queue' });
			await this.playback.startIfIdle(m);
			return { item: withVote(item, 0) };
		});
	}

	remove(actor: Actor, p: QueueRemove): Promise<Record<string, never>> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			const item = await queuedItem(m, p.itemId);
			const own = item.addedBy === m.userId;
			if (!own) m.require('queue:remove-any');
			await m.tx.queueItem.update({
				where: { id: item.id },
				data: { status: 'removed', statusAt: new Date(), pinRank: null }
			});
			m.effects.push({ kind: 'queue' });
			return {};
		});
	}

	/** Moves an item into the pinned section at `toIndex`; pinned items play first. */
	move(actor: Actor, p: QueueMove): Promise<Record<string, never>> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('queue:reorder');
			const item = await queuedItem(m, p.itemId);
			const pinned = (await loadQueue(m.tx, m.room)).filter((i) => i.pinned && i.id !== item.id);
			pinned.splice(Math.min(p.toIndex, pinned.length), 0, item);
			await this.#rank(
				m,
				pinned.map((i) => i.id)
			);
			m.effects.push({ kind: 'queue' });
			return {};
		});
	}

	pin(actor: Actor, p: QueuePin): Promise<Record<string, never>> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('queue:reorder');
			const item = await queuedItem(m, p.itemId);
			const pinned = (await loadQueue(m.tx, m.room))
				.filter((i) => i.pinned && i.id !== item.id)
				.map((i) => i.id);
			if (p.pinned) pinned.push(item.id);
			else await m.tx.queueItem.update({ where: { id: item.id }, data: { pinRank: null } });
			await this.#rank(m, pinned);
			m.effects.push({ kind: 'queue' });
			return {};
		});
	}

	async #rank(m: MutationCtx, ids: string[]): Promise<void> {
		if (ids.length === 0) return;
		await m.tx.$executeRaw`
			UPDATE queue_items q SET pin_rank = o.rank - 1
			FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS o(id, rank)
			WHERE q.id = o.id`;
	}

	vote(actor: Actor, p: VoteCast): Promise<{ item: QueueItem }> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			const item = await queuedItem(m, p.itemId);
			if (p.value === 0) {
				await m.tx.queueVote.deleteMany({ where: { itemId: item.id, userId: m.userId } });
			} else {
				await m.tx.queueVote.upsert({
					where: { itemId_userId: { itemId: item.id, userId: m.userId } },
					create: { itemId: item.id, userId: m.userId, value: p.value },
					update: { value: p.value }
				});
			}
			await m.tx.$executeRaw`
				UPDATE queue_items SET score = (
					SELECT coalesce(sum(value), 0) FROM queue_votes WHERE item_id = ${item.id}::uuid
				) WHERE id = ${item.id}::uuid`;
			const updated = (await loadItem(m.tx, m.room.id, item.id))!;
			m.effects.push({
				kind: 'queue',
				vote: { userId: m.userId, itemId: item.id, value: p.value }
			});
			return { item: withVote(updated, p.value) };
		});
	}
}
