import type { SessionUser } from '@chorus/auth';
import { Prisma } from '@chorus/db';
import {
	DEFAULT_ROOM_SETTINGS,
	ROOM_ROLES,
	PERMISSIONS,
	NOTICE_CHANNELS,
	permissionsFor,
	roomSettingsOf,
	toRoomInfo as sharedToRoomInfo,
	roomDescriptionSchema,
	roomNameSchema,
	roomSettingsSchema,
	type Permission,
	type RoomInfo,
	type RoomRole,
	type RoomSettings
} from '@chorus/protocol';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';

// The one module of the web app that writes rooms and memberships: the realtime service owns
// live room state, so every change here bumps the room version and notifies its nodes.

type RoomRow = Prisma.RoomGetPayload<object>;
type Tx = Prisma.TransactionClient;

export const createRoomInput = z.strictObject({
	name: roomNameSchema,
	description: roomDescriptionSchema.optional(),
	settings: roomSettingsSchema.partial().optional()
});

export const roomInfoSchema = z.object({
	id: z.uuid(),
	name: z.string(),
	description: z.string(),
	hostId: z.uuid().nullable(),
	settings: roomSettingsSchema,
	createdAt: z.string()
});

export const myRoomSchema = z.object({
	room: roomInfoSchema,
	role: z.enum(ROOM_ROLES),
	memberCount: z.number(),
	nowPlaying: z.object({ title: z.string(), artist: z.string() }).nullable()
});
export type MyRoom = z.infer<typeof myRoomSchema>;

export const roomForMemberSchema = z.object({
	room: roomInfoSchema,
	role: z.enum(ROOM_ROLES),
	permissions: z.array(z.enum(PERMISSIONS)),
	memberCount: z.number()
});
export type RoomForMember = z.infer<typeof roomForMemberSchema>;

export const settingsOf: (r: RoomRow) => RoomSettings = roomSettingsOf;
export const toRoomInfo: (r: RoomRow) => RoomInfo = sharedToRoomInfo;

const notFound = () => new ApiError(404, 'NOT_FOUND', 'No such room');
const isUuid = (s: string) => z.uuid().safeParse(s).success;

/** The creator becomes the host and first member. */
export async function createRoom(
	user: SessionUser,
	input: z.output<typeof createRoomInput>
): Promise<RoomInfo> {
	const settings = { ...DEFAULT_ROOM_SETTINGS, ...input.settings };
	const room = await getDb().room.create({
		data: {
			name: input.name,
			description: input.description ?? '',
			hostId: user.id,
			...settings,
			members: { create: { userId: user.id, role: 'host' } }
		}
	});
	return toRoomInfo(room);
}

/** Open rooms the user is a member of, most recently joined first. */
export async function listMyRooms(user: SessionUser): Promise<MyRoom[]> {
	const memberships = await getDb().roomMember.findMany({
		where: { userId: user.id, room: { closedAt: null } },
		orderBy: { joinedAt: 'desc' },
		include: {
			room: {
				include: {
					_count: { select: { members: true } },
					currentItem: { select: { track: { select: { title: true, artist: true } } } }
				}
			}
		}
	});
	return memberships.map(({ role, room }) => ({
		room: toRoomInfo(room),
		role,
		memberCount: room._count.members,
		nowPlaying: room.currentItem
			? { title: room.currentItem.track.title, artist: room.currentItem.track.artist }
			: null
	}));
}

/**
 * The room and the user's membership; 404 alike for unknown, closed and not-a-member, so room
 * ids cannot be probed.
 */
export async function findMembership(
	roomId: string,
	userId: string
): Promise<{ room: RoomRow; role: RoomRole }> {
	if (!isUuid(roomId)) throw notFound();
	const member = await getDb().roomMember.findUnique({
		where: { roomId_userId: { roomId, userId } },
		include: { room: true }
	});
	if (!member || member.room.closedAt) throw notFound();
	return { room: member.room, role: member.role };
}

/** Membership with a permission: 404 for non-members, 403 for members lacking it. */
export async function requirePermission(roomId: string, userId: string, permission: Permission) {
	const m = await findMembership(roomId, userId);
	if (!permissionsFor(m.role, settingsOf(m.room)).includes(permission)) {
		throw new ApiError(403, 'FORBIDDEN', 'Your role in this room does not allow that');
	}
	return m;
}

export async function getRoomForMember(roomId: string, user: SessionUser): Promise<RoomForMember> {
	const { room, role } = await findMembership(roomId, user.id);
	const memberCount = await getDb().roomMember.count({ where: { roomId } });
	return {
		room: toRoomInfo(room),
		role,
		permissions: permissionsFor(role, settingsOf(room), user),
		memberCount
	};
}

export async function isMember(roomId: string, userId: string): Promise<boolean> {
	if (!isUuid(roomId)) return false;
	const m = await getDb().roomMember.findUnique({
		where: { roomId_userId: { roomId, userId } },
		select: { userId: true }
	});
	return m !== null;
}

/**
 * Adds a listener; false when they were a member already (a concurrent accept waits for the
 * first insert and then does nothing, so a double click spends one invite use).
 */
export async function addListener(tx: Tx, roomId: string, userId: string): Promise<boolean> {
	const inserted = await tx.$executeRaw`
		INSERT INTO room_members (room_id, user_id, role) VALUES (${roomId}::uuid, ${userId}::uuid, 'listener')
		ON CONFLICT DO NOTHING`;
	return inserted > 0;
}

/**
 * Bumps the version of every open room matched by `where` and tells the realtime nodes, which
 * re-broadcast the room (the notice is delivered on commit).
 */
async function bumpAndNotify(tx: Tx, where: Prisma.Sql): Promise<void> {
	await tx.$executeRaw`
		WITH changed AS (
			UPDATE rooms r SET version = version + 1 WHERE r.closed_at IS NULL AND ${where}
			RETURNING r.id, r.version
		)
		SELECT pg_notify(${NOTICE_CHANNELS.roomChanged},
			json_build_object('roomId', id, 'version', version)::text)
		FROM changed`;
}

/**
 * An account is going away: its votes leave the queues (scores stay right), rooms it hosted
 * alone close, the others pass to an heir as when a host leaves (realtime also prefers members
 * who are present; the web cannot see presence): the earliest co-host, else the earliest
 * member. Every open room it was in changes version and is re-broadcast; memberships go.
 */
export async function leaveAllRooms(tx: Tx, userId: string): Promise<void> {
	await tx.$executeRaw`
		UPDATE queue_items q SET score = q.score - v.value
		FROM queue_votes v WHERE v.item_id = q.id AND v.user_id = ${userId}::uuid`;
	await tx.queueVote.deleteMany({ where: { userId } });
	await tx.skipVote.deleteMany({ where: { userId } });
	await tx.$executeRaw`
		UPDATE rooms r SET closed_at = now(), host_id = NULL, version = version + 1
		WHERE r.host_id = ${userId}::uuid AND r.closed_at IS NULL AND NOT EXISTS (
			SELECT 1 FROM room_members m WHERE m.room_id = r.id AND m.user_id <> ${userId}::uuid)`;
	await tx.$executeRaw`
		WITH heirs AS (
			SELECT DISTINCT ON (m.room_id) m.room_id, m.user_id
			FROM room_members m JOIN rooms r ON r.id = m.room_id
			WHERE r.host_id = ${userId}::uuid AND m.user_id <> ${userId}::uuid
			ORDER BY m.room_id, (m.role = 'cohost') DESC, m.joined_at, m.user_id
		), promoted AS (
			UPDATE room_members m SET role = 'host' FROM heirs h
			WHERE m.room_id = h.room_id AND m.user_id = h.user_id
		)
		UPDATE rooms r SET host_id = h.user_id FROM heirs h WHERE r.id = h.room_id`;
	await tx.room.updateMany({ where: { hostId: userId }, data: { hostId: null } });
	await bumpAndNotify(
		tx,
		Prisma.sql`r.id IN (SELECT room_id FROM room_members WHERE user_id = ${userId}::uuid)`
	);
	await tx.roomMember.deleteMany({ where: { userId } });
}

/** As the user row's ON DELETE SET NULL would: their chat and queue entries lose their author. */
export async function forgetAuthor(tx: Tx, userId: string): Promise<void> {
	await tx.chatMessage.updateMany({ where: { userId }, data: { userId: null } });
	await tx.queueItem.updateMany({ where: { addedBy: userId }, data: { addedBy: null } });
}

/**
 * A track is being removed for everyone (an admin's takedown), in the same transaction as the
 * track row: rooms whose current item plays it stop (paused, nothing current, a new timeline, so
 * the host presses play to go on with the queue), and every open room that had it in its queue
 * (queued, playing or history) gets a version bump and a notice, so live clients resync without
 * it. The queue rows themselves go with the track (ON DELETE CASCADE). Returns the rooms changed.
 */
export async function dropTrackFromRooms(tx: Tx, trackId: string): Promise<string[]> {
	const rooms = await tx.$queryRaw<{ id: string }[]>`
		SELECT DISTINCT q.room_id AS id FROM queue_items q JOIN rooms r ON r.id = q.room_id
		WHERE q.track_id = ${trackId}::uuid AND r.closed_at IS NULL`;
	if (rooms.length === 0) return [];
	const ids = rooms.map((r) => r.id);
	// The room version is bumped once more below, so the timeline changes at that version.
	await tx.$executeRaw`
		UPDATE rooms r SET current_item_id = NULL, playback_paused = true, playback_position_ms = 0,
			playback_anchor_ms = ${Date.now()}, timeline_version = r.version + 1
		FROM queue_items q
		WHERE q.id = r.current_item_id AND q.track_id = ${trackId}::uuid AND r.closed_at IS NULL`;
	await tx.$executeRaw`DELETE FROM queue_items WHERE track_id = ${trackId}::uuid`;
	await bumpAndNotify(tx, Prisma.sql`r.id = ANY(${ids}::uuid[])`);
	return ids;
}
