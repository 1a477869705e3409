import type { SessionUser } from '@chorus/auth';
import { Prisma } from '@chorus/db';
import {
	DEFAULT_ROOM_SETTINGS,
	ROOM_ROLES,
	PERMISSIONS,
	permissionsFor,
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

type RoomRow = Prisma.RoomGetPayload<object>;

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

export function settingsOf(r: RoomRow): RoomSettings {
	return {
		addPolicy: r.addPolicy,
		guestControls: r.guestControls,
		skipThresholdPercent: r.skipThresholdPercent,
		maxPendingPerMember: r.maxPendingPerMember,
		fairRotation: r.fairRotation
	};
}

/** The one row -> RoomInfo conversion of the web app (realtime keeps its own copy). */
export function toRoomInfo(r: RoomRow): RoomInfo {
	return {
		id: r.id,
		name: r.name,
		description: r.description,
		hostId: r.hostId,
		settings: settingsOf(r),
		createdAt: r.createdAt.toISOString()
	};
}

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
		permissions: permissionsFor(role, settingsOf(room)),
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
