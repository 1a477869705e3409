// The room row and the mutation bookkeeping (lock, idempotency, version). No rules here.
import { Prisma } from '@chorus/db';
import {
	roomSettingsOf,
	type RoomColumns,
	type RoomRole,
	type RoomSettings
} from '@chorus/protocol';
import type { Tx } from './types.ts';

/** A room row: the columns every feature reads, settings grouped, the version as a number. */
export interface RoomRow extends RoomColumns {
	settings: RoomSettings;
	version: number;
	currentItemId: string | null;
	anchorMs: number;
	positionMs: number;
	paused: boolean;
	/** The version at which the timeline last changed. */
	timelineVersion: number;
	closed: boolean;
}

interface RawRoom extends RoomColumns {
	version: bigint;
	timelineVersion: bigint;
	currentItemId: string | null;
	anchorMs: number;
	positionMs: number;
	paused: boolean;
	closedAt: Date | null;
}

// Prisma's field names, so the row maps to RoomInfo with the shared toRoomInfo.
const ROOM_COLUMNS = Prisma.sql`id, name, description, host_id AS "hostId", add_policy::text AS "addPolicy",
	guest_controls AS "guestControls", skip_threshold_percent AS "skipThresholdPercent",
	max_pending_per_member AS "maxPendingPerMember", fair_rotation AS "fairRotation",
	guests_add_from_library AS "guestsAddFromLibrary",
	created_at AS "createdAt", version, current_item_id AS "currentItemId",
	playback_anchor_ms AS "anchorMs", playback_position_ms AS "positionMs",
	playback_paused AS "paused", timeline_version AS "timelineVersion", closed_at AS "closedAt"`;

const toRoomRow = ({ closedAt, version, timelineVersion, ...r }: RawRoom): RoomRow => ({
	...r,
	settings: roomSettingsOf(r),
	version: Number(version),
	timelineVersion: Number(timelineVersion),
	closed: closedAt !== null
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
	const rows = await tx.$queryRaw<RawRoom[]>`
		SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = ${roomId}::uuid ${suffix}`;
	return rows[0] ? toRoomRow(rows[0]) : null;
}

/** Sets the new version (the caller holds the row lock) and returns the room as it now is. */
export async function commitVersion(tx: Tx, roomId: string, version: number): Promise<RoomRow> {
	const rows = await tx.$queryRaw<RawRoom[]>`
		UPDATE rooms SET version = ${version}, updated_at = now() WHERE id = ${roomId}::uuid
		RETURNING ${ROOM_COLUMNS}`;
	return toRoomRow(rows[0]!);
}

export interface MemberRow {
	userId: string;
	role: RoomRole;
	/** A guest account: what it may add depends on it (permissionsFor). */
	isGuest: boolean;
	mutedUntil: Date | null;
	joinedAt: Date;
}

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
			is_guest: boolean | null;
			muted_until: Date | null;
			joined_at: Date | null;
			replayed: boolean;
			result: unknown;
		}[]
	>`
		SELECT m.role::text AS role, u.is_guest, m.muted_until, m.joined_at,
			(mu.mutation_id IS NOT NULL) AS replayed, mu.result
		FROM (SELECT 1) one
		LEFT JOIN room_members m ON m.room_id = ${roomId}::uuid AND m.user_id = ${userId}::uuid
		LEFT JOIN users u ON u.id = m.user_id
		LEFT JOIN room_mutations mu ON mu.room_id = ${roomId}::uuid
			AND mu.user_id = ${userId}::uuid AND mu.mutation_id = ${mutationId}`;
	const row = rows[0]!;
	return {
		room,
		member: row.role
			? {
					userId,
					role: row.role,
					isGuest: row.is_guest === true,
					mutedUntil: row.muted_until,
					joinedAt: row.joined_at!
				}
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
