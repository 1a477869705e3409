import {
	AppError,
	CHAT_HISTORY_MESSAGES,
	type ChatDelete,
	type ChatMessage,
	type ChatMute,
	type ChatSend
} from '@chorus/protocol';
import type { Actor, RoomContext } from '../rooms/room.context.ts';
import { forbidden } from '../rooms/room.context.ts';

export class ChatService {
	constructor(private readonly rooms: RoomContext) {}

	send(actor: Actor, p: ChatSend): Promise<{ message: ChatMessage }> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('chat');
			if (m.member.mutedUntil && m.member.mutedUntil > new Date()) {
				throw forbidden(`You are muted until ${m.member.mutedUntil.toISOString()}`);
			}
			const row = await m.tx.chatMessage.create({
				data: { roomId: m.room.id, userId: m.userId, body: p.body },
				select: { id: true, createdAt: true, user: { select: { displayName: true } } }
			});
			// The room keeps its last CHAT_HISTORY_MESSAGES messages.
			await m.tx.$executeRaw`
				DELETE FROM chat_messages WHERE room_id = ${m.room.id}::uuid AND id NOT IN (
					SELECT id FROM chat_messages WHERE room_id = ${m.room.id}::uuid
					ORDER BY created_at DESC, id DESC LIMIT ${CHAT_HISTORY_MESSAGES}
				)`;
			const message: ChatMessage = {
				id: row.id,
				userId: m.userId,
				displayName: row.user?.displayName ?? null,
				body: p.body,
				createdAt: row.createdAt.toISOString()
			};
			m.effects.push({
				kind: 'room',
				event: 'chat:message',
				payload: { roomId: m.room.id, version: m.version, message }
			});
			return { message };
		});
	}

	delete(actor: Actor, p: ChatDelete): Promise<Record<string, never>> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			const message = await m.tx.chatMessage.findFirst({
				where: { id: p.messageId, roomId: m.room.id, deletedAt: null },
				select: { userId: true }
			});
			if (!message) throw new AppError('NOT_FOUND', 'No such message');
			if (message.userId !== m.userId) m.require('moderate');
			await m.tx.chatMessage.update({
				where: { id: p.messageId },
				data: { deletedAt: new Date(), deletedBy: m.userId }
			});
			m.effects.push({
				kind: 'room',
				event: 'chat:deleted',
				payload: { roomId: m.room.id, version: m.version, messageId: p.messageId }
			});
			return {};
		});
	}

	mute(actor: Actor, p: ChatMute): Promise<{ mutedUntil: string | null }> {
		return this.rooms.mutate(actor, p.roomId, p.mutationId, async (m) => {
			m.require('moderate');
			const target = await m.tx.roomMember.findUnique({
				where: { roomId_userId: { roomId: m.room.id, userId: p.userId } },
				select: { role: true }
			});
			if (!target) throw new AppError('NOT_FOUND', 'That person is not a member of this room');
			if (
				p.userId === m.userId ||
				target.role === 'host' ||
				(target.role === 'cohost' && m.member.role !== 'host')
			) {
				throw forbidden('You can only mute members below your role');
			}
			const mutedUntil = p.durationSec === 0 ? null : new Date(Date.now() + p.durationSec * 1000);
			await m.tx.roomMember.update({
				where: { roomId_userId: { roomId: m.room.id, userId: p.userId } },
				data: { mutedUntil }
			});
			m.effects.push({ kind: 'members' });
			return { mutedUntil: mutedUntil?.toISOString() ?? null };
		});
	}
}
