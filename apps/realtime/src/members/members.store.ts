// Room memberships in PostgreSQL. No rules here.
import type { RoomMemberInfo, RoomRole } from '@chorus/protocol';
import type { MemberRow, Tx } from '../engine/index.ts';

export type MemberCard = Omit<RoomMemberInfo, 'presence'>;

const CARD_SELECT = {
	userId: true,
	role: true,
	mutedUntil: true,
	joinedAt: true,
	user: { select: { displayName: true, isGuest: true } }
} as const;

const toCard = (m: {
	userId: string;
	role: RoomRole;
	mutedUntil: Date | null;
	joinedAt: Date;
	user: { displayName: string; isGuest: boolean };
}): MemberCard => ({
	userId: m.userId,
	displayName: m.user.displayName,
	role: m.role,
	isGuest: m.user.isGuest,
	mutedUntil: m.mutedUntil && m.mutedUntil > new Date() ? m.mutedUntil.toISOString() : null,
	joinedAt: m.joinedAt.toISOString()
});

/** Every member, earliest first. */
export async function loadMembers(tx: Tx, roomId: string): Promise<MemberCard[]> {
	const rows = await tx.roomMember.findMany({
		where: { roomId },
		orderBy: { joinedAt: 'asc' },
		select: CARD_SELECT
	});
	return rows.map(toCard);
}

const findMembership = (tx: Tx, roomId: string, userId: string) =>
	tx.roomMember.findUnique({ where: { roomId_userId: { roomId, userId } }, select: CARD_SELECT });

/** A membership as the mutation runner and the snapshot check it (dates as dates). */
export async function loadMember(
	tx: Tx,
	roomId: string,
	userId: string
): Promise<MemberRow | null> {
	const row = await findMembership(tx, roomId, userId);
	return (
		row && {
			userId: row.userId,
			role: row.role,
			isGuest: row.user.isGuest,
			mutedUntil: row.mutedUntil,
			joinedAt: row.joinedAt
		}
	);
}

export async function loadMemberCard(
	tx: Tx,
	roomId: string,
	userId: string
): Promise<MemberCard | null> {
	const row = await findMembership(tx, roomId, userId);
	return row && toCard(row);
}

export function setRole(tx: Tx, roomId: string, userId: string, role: RoomRole) {
	return tx.roomMember.update({ where: { roomId_userId: { roomId, userId } }, data: { role } });
}

/** Makes `userId` the host; the previous host (if still a member) becomes a co-host. */
export async function setHost(tx: Tx, roomId: string, userId: string, previous: string | null) {
	if (previous) await setRole(tx, roomId, previous, 'cohost');
	await setRole(tx, roomId, userId, 'host');
	await tx.room.update({ where: { id: roomId }, data: { hostId: userId } });
}

export function removeMember(tx: Tx, roomId: string, userId: string) {
	return tx.roomMember.delete({ where: { roomId_userId: { roomId, userId } } });
}

export function banMember(tx: Tx, roomId: string, userId: string, bannedBy: string) {
	return tx.roomBan.upsert({
		where: { roomId_userId: { roomId, userId } },
		create: { roomId, userId, bannedBy },
		update: {}
	});
}

/** The remaining members in join order (heirs when a host leaves). */
export function listMembers(tx: Tx, roomId: string) {
	return tx.roomMember.findMany({
		where: { roomId },
		orderBy: { joinedAt: 'asc' },
		select: { userId: true, role: true }
	});
}

/** Closes a room nobody is left in. */
export function closeRoom(tx: Tx, roomId: string) {
	return tx.room.update({ where: { id: roomId }, data: { hostId: null, closedAt: new Date() } });
}
