// The waiting queue and its votes in PostgreSQL. No rules here.
import { Prisma } from '@chorus/db';
import {
	orderQueue,
	trackUrls,
	type Orderable,
	type QueueEntry,
	type QueueItem,
	type QueueTrack
} from '@chorus/protocol';
import type { RoomRow, Tx } from '../engine/index.ts';

interface RawItem {
	id: string;
	track_id: string;
	added_by: string | null;
	added_by_name: string | null;
	score: number;
	pin_rank: number | null;
	added_at: Date;
	status: string;
	title: string;
	artist: string;
	album: string | null;
	duration_ms: number;
	cover_sha256: string | null;
	up: number;
	down: number;
}

export interface ItemRow extends QueueEntry {
	pinRank: number | null;
	addedAtMs: number;
	status: string;
}

function queueTrack(r: RawItem): QueueTrack {
	const { coverUrl, streamUrl } = trackUrls(r.track_id, r.cover_sha256);
	return {
		title: r.title,
		artist: r.artist,
		album: r.album,
		durationMs: r.duration_ms,
		coverUrl,
		streamUrl
	};
}

const toItem = (r: RawItem): ItemRow => ({
	id: r.id,
	trackId: r.track_id,
	addedBy: r.added_by,
	addedByName: r.added_by_name,
	score: r.score,
	up: r.up,
	down: r.down,
	pinned: r.pin_rank !== null,
	pinRank: r.pin_rank,
	addedAt: r.added_at.toISOString(),
	addedAtMs: r.added_at.getTime(),
	status: r.status,
	track: queueTrack(r)
});

/** What the whole room sees of an item. */
export const toEntry = (item: ItemRow): QueueEntry => ({
	id: item.id,
	trackId: item.trackId,
	addedBy: item.addedBy,
	addedByName: item.addedByName,
	score: item.score,
	up: item.up,
	down: item.down,
	pinned: item.pinned,
	addedAt: item.addedAt,
	track: item.track
});

export const withVote = (item: ItemRow, myVote: -1 | 0 | 1): QueueItem => ({
	...toEntry(item),
	myVote
});

const ITEM_SELECT = Prisma.sql`
	SELECT qi.id, qi.track_id, qi.added_by, u.display_name AS added_by_name, qi.score, qi.pin_rank,
		qi.added_at, qi.status::text AS status, t.title, t.artist, t.album, t.duration_ms,
		t.cover_sha256,
		(SELECT count(*) FROM queue_votes v WHERE v.item_id = qi.id AND v.value = 1)::int AS up,
		(SELECT count(*) FROM queue_votes v WHERE v.item_id = qi.id AND v.value = -1)::int AS down
	FROM queue_items qi
	JOIN tracks t ON t.id = qi.track_id
	LEFT JOIN users u ON u.id = qi.added_by`;

/** The waiting queue in play order. */
export async function loadQueue(tx: Tx, room: RoomRow): Promise<ItemRow[]> {
	const rows = await tx.$queryRaw<RawItem[]>`${ITEM_SELECT}
		WHERE qi.room_id = ${room.id}::uuid AND qi.status = 'queued'`;
	return orderQueue(rows.map(toItem), room.settings.fairRotation);
}

/** Only the play order of the waiting queue (ids), without tracks or tallies. */
export async function loadQueueOrder(tx: Tx, room: RoomRow): Promise<string[]> {
	const rows = await tx.$queryRaw<
		{
			id: string;
			added_by: string | null;
			score: number;
			pin_rank: number | null;
			added_at: Date;
		}[]
	>`SELECT id, added_by, score, pin_rank, added_at FROM queue_items
		WHERE room_id = ${room.id}::uuid AND status = 'queued'`;
	const keys: Orderable[] = rows.map((r) => ({
		id: r.id,
		addedBy: r.added_by,
		score: r.score,
		pinRank: r.pin_rank,
		addedAtMs: r.added_at.getTime()
	}));
	return orderQueue(keys, room.settings.fairRotation).map((i) => i.id);
}

export async function loadItem(tx: Tx, roomId: string, itemId: string): Promise<ItemRow | null> {
	const rows = await tx.$queryRaw<RawItem[]>`${ITEM_SELECT}
		WHERE qi.room_id = ${roomId}::uuid AND qi.id = ${itemId}::uuid`;
	return rows[0] ? toItem(rows[0]) : null;
}

/** This user's votes on the room's waiting items. */
export async function loadMyVotes(
	tx: Tx,
	roomId: string,
	userId: string
): Promise<Map<string, -1 | 1>> {
	const rows = await tx.$queryRaw<{ item_id: string; value: number }[]>`
		SELECT v.item_id, v.value FROM queue_votes v
		JOIN queue_items qi ON qi.id = v.item_id
		WHERE qi.room_id = ${roomId}::uuid AND qi.status = 'queued' AND v.user_id = ${userId}::uuid`;
	return new Map(rows.map((r) => [r.item_id, r.value as -1 | 1]));
}

/** A track a member may queue: public, unlisted (shared by link) or their own. */
export function findTrack(tx: Tx, trackId: string) {
	return tx.track.findUnique({
		where: { id: trackId },
		select: { ownerId: true, visibility: true, processingStatus: true }
	});
}

/** Whether the room already surfaced this track: in its queue now or in its history. */
export async function roomHasTrack(tx: Tx, roomId: string, trackId: string): Promise<boolean> {
	const item = await tx.queueItem.findFirst({ where: { roomId, trackId }, select: { id: true } });
	return item !== null;
}

export function countWaiting(tx: Tx, roomId: string, addedBy?: string) {
	return tx.queueItem.count({ where: { roomId, status: 'queued', ...(addedBy && { addedBy }) } });
}

/** Adds a track; null when it is already waiting (DO NOTHING keeps the transaction alive). */
export async function insertItem(
	tx: Tx,
	roomId: string,
	trackId: string,
	addedBy: string
): Promise<string | null> {
	const rows = await tx.$queryRaw<{ id: string }[]>`
		INSERT INTO queue_items (room_id, track_id, added_by)
		VALUES (${roomId}::uuid, ${trackId}::uuid, ${addedBy}::uuid)
		ON CONFLICT DO NOTHING RETURNING id`;
	return rows[0]?.id ?? null;
}

export function markRemoved(tx: Tx, itemId: string) {
	return tx.queueItem.update({
		where: { id: itemId },
		data: { status: 'removed', statusAt: new Date(), pinRank: null }
	});
}

export function unpin(tx: Tx, itemId: string) {
	return tx.queueItem.update({ where: { id: itemId }, data: { pinRank: null } });
}

/** Pin ranks 0..n-1 in the given order. */
export async function rankPinned(tx: Tx, ids: string[]): Promise<void> {
	if (ids.length === 0) return;
	await tx.$executeRaw`
		UPDATE queue_items q SET pin_rank = o.rank - 1
		FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS o(id, rank)
		WHERE q.id = o.id`;
}

/** Sets (or with 0 withdraws) a vote and recomputes the item's score. */
export async function setVote(tx: Tx, itemId: string, userId: string, value: -1 | 0 | 1) {
	if (value === 0) {
		await tx.queueVote.deleteMany({ where: { itemId, userId } });
	} else {
		await tx.queueVote.upsert({
			where: { itemId_userId: { itemId, userId } },
			create: { itemId, userId, value },
			update: { value }
		});
	}
	await tx.$executeRaw`
		UPDATE queue_items SET score = (
			SELECT coalesce(sum(value), 0) FROM queue_votes WHERE item_id = ${itemId}::uuid
		) WHERE id = ${itemId}::uuid`;
}
