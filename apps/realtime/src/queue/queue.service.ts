// The shared queue: who may add what, pins, and votes.
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
import { type Actor, type Engine, type MutationCtx } from '../engine/index.ts';
import {
	countWaiting,
	findTrack,
	insertItem,
	loadItem,
	loadQueue,
	loadQueueOrder,
	markRemoved,
	rankPinned,
	roomHasTrack,
	setVote,
	toEntry,
	unpin,
	withVote
} from './queue.store.ts';

type Empty = Record<string, never>;

/** Fired inside the mutation that queued a track (playback starts an idle room). */
export const QUEUED_HOOK = 'queue:queued';

const notInQueue = () => new AppError('NOT_FOUND', 'That track is not waiting in this queue');

async function queuedItem(m: MutationCtx, itemId: string) {
	const item = await loadItem(m.tx, m.room.id, itemId);
	if (!item || item.status !== 'queued') throw notInQueue();
	return item;
}

/** Broadcasts the whole waiting queue (the same for everyone) once this mutation commits. */
export function publishQueue(m: MutationCtx): void {
	m.publish('queue', async (tx, room) => {
		const queue = (await loadQueue(tx, room)).map(toEntry);
		return (c) =>
			c.fanout.toRoom(room.id, 'queue:updated', { roomId: room.id, version: c.version, queue });
	});
}

export function add(engine: Engine, actor: Actor, p: QueueAdd): Promise<{ item: QueueItem }> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('queue:add');
		// Guests see the room, not the library: a track the room never had is one they found in
		// the library search, which the host has to allow (and the web app refuses them otherwise).
		// Only members without that permission need the lookup.
		if (!m.may('queue:add-library') && !(await roomHasTrack(m.tx, m.room.id, p.trackId)))
			m.require('queue:add-library');
		const track = await findTrack(m.tx, p.trackId);
		if (!track || (track.visibility === 'private' && track.ownerId !== m.userId)) {
			throw new AppError('NOT_FOUND', 'No such track');
		}
		if (track.processingStatus === 'failed') {
			throw new AppError('CONFLICT', 'This track could not be processed and cannot be played');
		}
		if ((await countWaiting(m.tx, m.room.id)) >= QUEUE_MAX_ITEMS) {
			throw new AppError('CONFLICT', `The queue is full (${QUEUE_MAX_ITEMS} tracks)`);
		}
		if (m.member.role === 'listener') {
			const limit = m.room.settings.maxPendingPerMember;
			if ((await countWaiting(m.tx, m.room.id, m.userId)) >= limit) {
				throw new AppError(
					'CONFLICT',
					`You already have ${limit} track${limit === 1 ? '' : 's'} waiting; wait for one to play`
				);
			}
		}
		const id = await insertItem(m.tx, m.room.id, p.trackId, m.userId);
		if (!id) throw new AppError('CONFLICT', 'This track is already in the queue');
		const item = (await loadItem(m.tx, m.room.id, id))!;
		publishQueue(m);
		await m.fire(QUEUED_HOOK);
		return { item: withVote(item, 0) };
	});
}

export function remove(engine: Engine, actor: Actor, p: QueueRemove): Promise<Empty> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		const item = await queuedItem(m, p.itemId);
		if (item.addedBy !== m.userId) m.require('queue:remove-any');
		await markRemoved(m.tx, item.id);
		publishQueue(m);
		return {};
	});
}

/** Moves an item into the pinned section at `toIndex`; pinned items play first. */
export function move(engine: Engine, actor: Actor, p: QueueMove): Promise<Empty> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('queue:reorder');
		const item = await queuedItem(m, p.itemId);
		const pinned = (await loadQueue(m.tx, m.room)).filter((i) => i.pinned && i.id !== item.id);
		pinned.splice(Math.min(p.toIndex, pinned.length), 0, item);
		await rankPinned(
			m.tx,
			pinned.map((i) => i.id)
		);
		publishQueue(m);
		return {};
	});
}

export function pin(engine: Engine, actor: Actor, p: QueuePin): Promise<Empty> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('queue:reorder');
		const item = await queuedItem(m, p.itemId);
		const pinned = (await loadQueue(m.tx, m.room))
			.filter((i) => i.pinned && i.id !== item.id)
			.map((i) => i.id);
		if (p.pinned) pinned.push(item.id);
		else await unpin(m.tx, item.id);
		await rankPinned(m.tx, pinned);
		publishQueue(m);
		return {};
	});
}

const sameOrder = (a: string[], b: string[]) =>
	a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * A vote changes one item's tally: the room gets that tally (and the new order only if the
 * vote moved something), the voter's own sockets also get their vote. Nobody gets the queue.
 */
export function vote(engine: Engine, actor: Actor, p: VoteCast): Promise<{ item: QueueItem }> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		const item = await queuedItem(m, p.itemId);
		const before = await loadQueueOrder(m.tx, m.room);
		await setVote(m.tx, item.id, m.userId, p.value);
		const after = await loadQueueOrder(m.tx, m.room);
		const updated = (await loadItem(m.tx, m.room.id, item.id))!;
		const roomId = m.room.id;
		const voted = {
			roomId,
			version: m.version,
			itemId: item.id,
			score: updated.score,
			up: updated.up,
			down: updated.down,
			...(sameOrder(before, after) ? {} : { order: after })
		};
		m.after((c) => {
			c.fanout.toRoomExcept(roomId, m.userId, 'queue:voted', voted);
			c.fanout.toUser(m.userId, 'queue:voted', { ...voted, myVote: p.value });
		});
		return { item: withVote(updated, p.value) };
	});
}
