// Room reads and writes in PostgreSQL. No rules here: services decide, stores fetch and persist.
import { Prisma, type Db } from '@chorus/db';
import type {
	ChatMessage,
	QueueItem,
	QueueTrack,
	RoomInfo,
	RoomMemberInfo,
	RoomRole,
	RoomSettings
} from '@chorus/protocol';
import { orderQueue, trackUrls } from '@chorus/protocol';

/** A transaction client or the root client: reads work on both. */
export type Tx = Prisma.TransactionClient | Db;

export interface RoomRow {
	id: string;
	name: string;
	description: string;
	hostId: string | null;
	settings: RoomSettings;
	version: number;
	currentItemId: string | null;
	anchorMs: number;
	positionMs: number;
	paused: boolean;
	closed: boolean;
	createdAt: Date;
}

interface RawRoom {
	id: string;
	name: string;
	description: string;
	host_id: string | null;
	add_policy: 'everyone' | 'hosts';
	guest_controls: boolean;
	skip_threshold_percent: number;
	max_pending_per_member: number;
	fair_rotation: boolean;
	version: bigint;
	current_item_id: string | null;
	playback_anchor_ms: number;
	playback_position_ms: number;
	playback_paused: boolean;
	closed_at: Date | null;
	created_at: Date;
}

const toRoomRow = (r: RawRoom): RoomRow => ({
	id: r.id,
	name: r.name,
	description: r.description,
	hostId: r.host_id,
	settings: {
		addPolicy: r.add_policy,
		guestControls: r.guest_controls,
		skipThresholdPercent: r.skip_threshold_percent,
		maxPendingPerMember: r.max_pending_per_member,
		fairRotation: r.fair_rotation
	},
	version: Number(r.version),
	currentItemId: r.current_item_id,
	anchorMs: r.playback_anchor_ms,
	positionMs: r.playback_position_ms,
	paused: r.playback_paused,
	closed: r.closed_at !== null,
	createdAt: r.created_at
});

export const roomInfo = (r: RoomRow): RoomInfo => ({
	id: r.id,
	name: r.name,
	description: r.description,
	hostId: r.hostId,
	settings: r.settings,
	createdAt: r.createdAt.toISOString()
});

/**
 * Loads a room; `lock` takes the row lock that serialises every mutation of the room
 * ('skip-locked': null when another transaction holds it).
 */
export async function loadRoom(
	tx: Tx,
	roomId: string,
	lock: boolean | 'skip-locked' = false
): Promise<RoomRow | null> {
	const suffix =
		lock === 'skip-locked'
			? Prisma.sql`FOR UPDATE SKIP LOCKED`
			: lock
				? Prisma.sql`FOR UPDATE`
				: Prisma.empty;
	const rows = await tx.$queryRaw<
		RawRoom[]
	>`SELECT * FROM rooms WHERE id = ${roomId}::uuid ${suffix}`;
	return rows[0] ? toRoomRow(rows[0]) : null;
}

/** Sets the new version (the caller holds the row lock) and returns the room as it now is. */
export async function commitVersion(tx: Tx, roomId: string, version: number): Promise<RoomRow> {
	const rows = await tx.$queryRaw<RawRoom[]>`
		UPDATE rooms SET version = ${version}, updated_at = now() WHERE id = ${roomId}::uuid
		RETURNING *`;
	return toRoomRow(rows[0]!);
}

export interface MemberRow {
	userId: string;
	role: RoomRole;
	mutedUntil: Date | null;
	joinedAt: Date;
}

export async function loadMember(tx: Tx, roomId: string, userId: string) {
	return tx.roomMember.findUnique({
		where: { roomId_userId: { roomId, userId } },
		select: { userId: true, role: true, mutedUntil: true, joinedAt: true }
	}) as Promise<MemberRow | null>;
}

export async function loadMembers(
	tx: Tx,
	roomId: string
): Promise<Omit<RoomMemberInfo, 'presence'>[]> {
	const rows = await tx.roomMember.findMany({
		where: { roomId },
		orderBy: { joinedAt: 'asc' },
		select: {
			userId: true,
			role: true,
			mutedUntil: true,
			joinedAt: true,
			user: { select: { displayName: true, isGuest: true } }
		}
	});
	return rows.map((m) => ({
		userId: m.userId,
		displayName: m.user.displayName,
		role: m.role,
		isGuest: m.user.isGuest,
		mutedUntil: m.mutedUntil && m.mutedUntil > new Date() ? m.mutedUntil.toISOString() : null,
		joinedAt: m.joinedAt.toISOString()
	}));
}

// ---- idempotency ----

export interface LockedRoom {
	room: RoomRow;
	member: MemberRow | null;
	/** The stored answer when this mutation id was already applied. */
	replay: { result: unknown } | null;
}

/**
 * What every mutation needs first: the room under its row lock (which serialises the room's
 * mutations), then, in a statement that starts after the lock was granted and so sees what
 * the previous holder committed, the actor's membership and any earlier answer to this
 * mutation id.
 */
export async function lockForMutation(
	tx: Tx,
	roomId: string,
	userId: string,
	mutationId: string
): Promise<LockedRoom | null> {
	const room = await loadRoom(tx, roomId, true);
	if (!room) return null;
	const rows = await tx.$queryRaw<
		{
			role: RoomRole | null;
			muted_until: Date | null;
			joined_at: Date | null;
			replayed: boolean;
			result: unknown;
		}[]
	>`
		SELECT m.role::text AS role, m.muted_until, m.joined_at,
			(mu.mutation_id IS NOT NULL) AS replayed, mu.result
		FROM (SELECT 1) one
		LEFT JOIN room_members m ON m.room_id = ${roomId}::uuid AND m.user_id = ${userId}::uuid
		LEFT JOIN room_mutations mu ON mu.room_id = ${roomId}::uuid
			AND mu.user_id = ${userId}::uuid AND mu.mutation_id = ${mutationId}`;
	const row = rows[0]!;
	return {
		room,
		member: row.role
			? { userId, role: row.role, mutedUntil: row.muted_until, joinedAt: row.joined_at! }
			: null,
		replay: row.replayed ? { result: row.result } : null
	};
}

export async function recordMutation(
	tx: Tx,
	roomId: string,
	userId: string,
	mutationId: string,
	result: unknown
): Promise<void> {
	await tx.roomMutation.create({
		data: { roomId, userId, mutationId, result: (result ?? null) as Prisma.InputJsonValue }
	});
}

// ---- queue ----

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

export interface ItemRow extends Omit<QueueItem, 'myVote'> {
	pinRank: number | null;
	addedAtMs: number;
	status: string;
}

function queueTrack(t: {
	trackId: string;
	title: string;
	artist: string;
	album: string | null;
	durationMs: number;
	coverSha256: string | null;
}): QueueTrack {
	const { coverUrl, streamUrl } = trackUrls(t.trackId, t.coverSha256);
	return {
		title: t.title,
		artist: t.artist,
		album: t.album,
		durationMs: t.durationMs,
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
	track: queueTrack({
		trackId: r.track_id,
		title: r.title,
		artist: r.artist,
		album: r.album,
		durationMs: r.duration_ms,
		coverSha256: r.cover_sha256
	})
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

export const withVote = (item: ItemRow, myVote: -1 | 0 | 1): QueueItem => ({
	id: item.id,
	trackId: item.trackId,
	addedBy: item.addedBy,
	addedByName: item.addedByName,
	score: item.score,
	up: item.up,
	down: item.down,
	myVote,
	pinned: item.pinned,
	addedAt: item.addedAt,
	track: item.track
});

// ---- chat ----

export async function loadChat(tx: Tx, roomId: string, limit: number): Promise<ChatMessage[]> {
	const rows = await tx.chatMessage.findMany({
		where: { roomId, deletedAt: null },
		orderBy: { createdAt: 'desc' },
		take: limit,
		select: {
			id: true,
			userId: true,
			body: true,
			createdAt: true,
			user: { select: { displayName: true } }
		}
	});
	return rows.reverse().map((m) => ({
		id: m.id,
		userId: m.userId,
		displayName: m.user?.displayName ?? null,
		body: m.body,
		createdAt: m.createdAt.toISOString()
	}));
}

export async function loadSkipVoters(tx: Tx, itemId: string): Promise<string[]> {
	const rows = await tx.skipVote.findMany({
		where: { itemId },
		orderBy: { createdAt: 'asc' },
		select: { userId: true }
	});
	return rows.map((r) => r.userId);
}
