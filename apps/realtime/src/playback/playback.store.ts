// The room timeline and the play state of queue items in PostgreSQL. No rules here.
import type { Tx } from '../engine/index.ts';

export interface Timeline {
	anchorMs: number;
	positionMs: number;
	paused: boolean;
}

// Every write of the timeline records the version it happened at (stale commands are refused).

export function setTimeline(tx: Tx, roomId: string, version: number, t: Timeline) {
	return tx.room.update({
		where: { id: roomId },
		data: {
			playbackAnchorMs: t.anchorMs,
			playbackPositionMs: t.positionMs,
			playbackPaused: t.paused,
			timelineVersion: version
		}
	});
}

export function setPaused(tx: Tx, roomId: string, version: number, paused: boolean) {
	return tx.room.update({
		where: { id: roomId },
		data: { playbackPaused: paused, timelineVersion: version }
	});
}

/** Makes `itemId` (or nothing) the current item, starting at `anchorMs` from position 0. */
export function setCurrent(
	tx: Tx,
	roomId: string,
	version: number,
	itemId: string | null,
	anchorMs: number,
	paused: boolean
) {
	return tx.room.update({
		where: { id: roomId },
		data: {
			currentItemId: itemId,
			playbackPositionMs: 0,
			playbackAnchorMs: anchorMs,
			playbackPaused: paused,
			timelineVersion: version
		}
	});
}

export function setItemStatus(
	tx: Tx,
	itemId: string,
	status: 'played' | 'skipped' | 'playing',
	at = new Date()
) {
	return tx.queueItem.update({
		where: { id: itemId },
		// A playing item leaves the pinned section for good.
		data: { status, statusAt: at, ...(status === 'playing' && { pinRank: null }) }
	});
}

/** The most recently finished item (for "previous"). */
export function lastFinished(tx: Tx, roomId: string) {
	return tx.queueItem.findFirst({
		where: { roomId, status: { in: ['played', 'skipped'] } },
		orderBy: { statusAt: 'desc' },
		select: { id: true }
	});
}

/** Puts an item back at the head of the queue, or marks it played if the track already waits. */
export async function requeueFirst(tx: Tx, roomId: string, itemId: string): Promise<void> {
	const item = (await tx.queueItem.findUnique({ where: { id: itemId } }))!;
	const duplicate = await tx.queueItem.count({
		where: { roomId, trackId: item.trackId, status: 'queued' }
	});
	if (duplicate > 0) {
		await tx.queueItem.update({ where: { id: itemId }, data: { status: 'played' } });
		return;
	}
	const first = await tx.queueItem.aggregate({
		where: { roomId, status: 'queued' },
		_min: { pinRank: true }
	});
	await tx.queueItem.update({
		where: { id: itemId },
		data: { status: 'queued', pinRank: (first._min.pinRank ?? 0) - 1 }
	});
}

export async function durationOf(tx: Tx, itemId: string | null): Promise<number> {
	if (!itemId) return 0;
	const item = await tx.queueItem.findUnique({
		where: { id: itemId },
		select: { track: { select: { durationMs: true } } }
	});
	return item?.track.durationMs ?? 0;
}

export function itemAdder(tx: Tx, itemId: string) {
	return tx.queueItem.findUnique({ where: { id: itemId }, select: { addedBy: true } });
}

export async function loadSkipVoters(tx: Tx, itemId: string): Promise<string[]> {
	const rows = await tx.skipVote.findMany({
		where: { itemId },
		orderBy: { createdAt: 'asc' },
		select: { userId: true }
	});
	return rows.map((r) => r.userId);
}

/** Records a skip vote (once per member) and returns the item's vote count. */
export async function addSkipVote(tx: Tx, itemId: string, userId: string): Promise<number> {
	await tx.skipVote.createMany({ data: [{ itemId, userId }], skipDuplicates: true });
	return tx.skipVote.count({ where: { itemId } });
}

export function clearSkipVotes(tx: Tx, itemId: string) {
	return tx.skipVote.deleteMany({ where: { itemId } });
}

/** Rooms whose current item ends before `beforeMs` (server clock). */
export function roomsEndingBefore(tx: Tx, beforeMs: number) {
	return tx.$queryRaw<{ id: string }[]>`
		SELECT r.id FROM rooms r
		JOIN queue_items qi ON qi.id = r.current_item_id
		JOIN tracks t ON t.id = qi.track_id
		WHERE NOT r.playback_paused AND r.closed_at IS NULL
			AND r.playback_anchor_ms + (t.duration_ms - r.playback_position_ms) <= ${beforeMs}`;
}

/** Rooms whose timeline is running (a current item, not paused). */
export function playingRooms(tx: Tx) {
	return tx.$queryRaw<{ id: string }[]>`
		SELECT id FROM rooms
		WHERE NOT playback_paused AND current_item_id IS NOT NULL AND closed_at IS NULL`;
}
