// Room chat in PostgreSQL. No rules here.
import type { ChatMessage } from '@chorus/protocol';
import type { Tx } from '../engine/index.ts';

const toMessage = (m: {
	id: string;
	userId: string | null;
	body: string;
	createdAt: Date;
	user: { displayName: string } | null;
}): ChatMessage => ({
	id: m.id,
	userId: m.userId,
	displayName: m.user?.displayName ?? null,
	body: m.body,
	createdAt: m.createdAt.toISOString()
});

const MESSAGE_SELECT = {
	id: true,
	userId: true,
	body: true,
	createdAt: true,
	user: { select: { displayName: true } }
} as const;

/** The latest `limit` messages, oldest first. */
export async function loadChat(tx: Tx, roomId: string, limit: number): Promise<ChatMessage[]> {
	const rows = await tx.chatMessage.findMany({
		where: { roomId, deletedAt: null },
		orderBy: { createdAt: 'desc' },
		take: limit,
		select: MESSAGE_SELECT
	});
	return rows.reverse().map(toMessage);
}

export async function insertMessage(
	tx: Tx,
	roomId: string,
	userId: string,
	body: string
): Promise<ChatMessage> {
	return toMessage(
		await tx.chatMessage.create({ data: { roomId, userId, body }, select: MESSAGE_SELECT })
	);
}

/** Deletes all but the room's latest `keep` messages. */
export async function pruneChat(tx: Tx, roomId: string, keep: number): Promise<void> {
	await tx.$executeRaw`
		DELETE FROM chat_messages WHERE room_id = ${roomId}::uuid AND id NOT IN (
			SELECT id FROM chat_messages WHERE room_id = ${roomId}::uuid
			ORDER BY created_at DESC, id DESC LIMIT ${keep}
		)`;
}

export function findMessage(tx: Tx, roomId: string, messageId: string) {
	return tx.chatMessage.findFirst({
		where: { id: messageId, roomId, deletedAt: null },
		select: { userId: true }
	});
}

export function markDeleted(tx: Tx, messageId: string, by: string) {
	return tx.chatMessage.update({
		where: { id: messageId },
		data: { deletedAt: new Date(), deletedBy: by }
	});
}

export function setMutedUntil(tx: Tx, roomId: string, userId: string, until: Date | null) {
	return tx.roomMember.update({
		where: { roomId_userId: { roomId, userId } },
		data: { mutedUntil: until }
	});
}
