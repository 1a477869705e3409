// Room chat: who may write, delete and mute.
import {
	AppError,
	CHAT_HISTORY_MESSAGES,
	type ChatDelete,
	type ChatMessage,
	type ChatMute,
	type ChatSend
} from '@chorus/protocol';
import { forbidden, type Actor, type Engine } from '../engine/index.ts';
import { publishMembers, targetMember } from '../members/members.service.ts';
import { findMessage, insertMessage, markDeleted, pruneChat, setMutedUntil } from './chat.store.ts';

export function send(engine: Engine, actor: Actor, p: ChatSend): Promise<{ message: ChatMessage }> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('chat');
		if (m.member.mutedUntil && m.member.mutedUntil > new Date()) {
			throw forbidden(`You are muted until ${m.member.mutedUntil.toISOString()}`);
		}
		const message = await insertMessage(m.tx, m.room.id, m.userId, p.body);
		// The room keeps its last CHAT_HISTORY_MESSAGES messages.
		await pruneChat(m.tx, m.room.id, CHAT_HISTORY_MESSAGES);
		m.emit('chat:message', { roomId: m.room.id, version: m.version, message });
		return { message };
	});
}

export function remove(
	engine: Engine,
	actor: Actor,
	p: ChatDelete
): Promise<Record<string, never>> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		const message = await findMessage(m.tx, m.room.id, p.messageId);
		if (!message) throw new AppError('NOT_FOUND', 'No such message');
		if (message.userId !== m.userId) m.require('moderate');
		await markDeleted(m.tx, p.messageId, m.userId);
		m.emit('chat:deleted', { roomId: m.room.id, version: m.version, messageId: p.messageId });
		return {};
	});
}

export function mute(
	engine: Engine,
	actor: Actor,
	p: ChatMute
): Promise<{ mutedUntil: string | null }> {
	return engine.mutate(actor, p.roomId, p.mutationId, async (m) => {
		m.require('moderate');
		const target = await targetMember(m, p.userId);
		if (
			p.userId === m.userId ||
			target.role === 'host' ||
			(target.role === 'cohost' && m.member.role !== 'host')
		) {
			throw forbidden('You can only mute members below your role');
		}
		const mutedUntil = p.durationSec === 0 ? null : new Date(Date.now() + p.durationSec * 1000);
		await setMutedUntil(m.tx, m.room.id, p.userId, mutedUntil);
		publishMembers(m);
		return { mutedUntil: mutedUntil?.toISOString() ?? null };
	});
}
