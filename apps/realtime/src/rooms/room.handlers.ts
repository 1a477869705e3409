// Every room command: validate (strict zod) -> rate limit -> service (authorizes from
// socket.data inside the room transaction) -> ack.
import {
	chatDeleteSchema,
	chatMuteSchema,
	chatSendSchema,
	memberBanSchema,
	memberKickSchema,
	memberSetRoleSchema,
	memberTransferHostSchema,
	playbackPauseSchema,
	playbackPlaySchema,
	playbackPreviousSchema,
	playbackSeekSchema,
	playbackSkipSchema,
	presenceSetSchema,
	queueAddSchema,
	queueMoveSchema,
	queuePinSchema,
	queueRemoveSchema,
	reactionSendSchema,
	roomJoinSchema,
	roomLeaveSchema,
	roomSyncSchema,
	roomUpdateSchema,
	skipVoteSchema,
	syncReportSchema,
	voteCastSchema,
	type ClientToServerEvents,
	type PresenceStatus
} from '@chorus/protocol';
import type { z } from 'zod';
import { ChatService } from '../chat/chat.service.ts';
import { serverNowMs } from '../clock/clock.handlers.ts';
import { command, type ChorusSocket } from '../lib/handler.ts';
import type { EventLimiter } from '../lib/rate-limit.ts';
import type { Logger } from '../logger.ts';
import { PlaybackService } from '../playback/playback.service.ts';
import { QueueService } from '../queue/queue.service.ts';
import { roomKey } from './fanout.ts';
import { forbidden, type RoomContext } from './room.context.ts';
import { RoomService } from './room.service.ts';

export interface RoomFeatures {
	context: RoomContext;
	rooms: RoomService;
	queue: QueueService;
	playback: PlaybackService;
	chat: ChatService;
	limiter: EventLimiter;
	log: Logger;
}

export function createRoomFeatures(context: RoomContext, limiter: EventLimiter, log: Logger) {
	const playback = new PlaybackService(context);
	return {
		context,
		rooms: new RoomService(context),
		queue: new QueueService(context, playback),
		playback,
		chat: new ChatService(context),
		limiter,
		log
	} satisfies RoomFeatures;
}

export function registerRoomHandlers(socket: ChorusSocket, f: RoomFeatures): void {
	const { context, limiter, log } = f;
	const actor = { userId: socket.data.userId };
	const rooms = (socket.data.rooms ??= {});

	function on<E extends keyof ClientToServerEvents, S extends z.ZodType>(
		event: E,
		schema: S,
		run: (payload: z.output<S>) => Promise<unknown>
	): void {
		const handler = command(log, event, schema, async (payload: z.output<S>) => {
			await limiter.consume(actor.userId);
			return run(payload);
		});
		(socket.on as (e: string, h: typeof handler) => void)(event, handler);
	}

	async function announce(roomId: string): Promise<void> {
		const present = await context.presence(roomId);
		const member = await context.db.roomMember.findUnique({
			where: { roomId_userId: { roomId, userId: actor.userId } },
			select: { role: true, user: { select: { displayName: true, isGuest: true } } }
		});
		if (!member) return;
		context.io.to(roomKey(roomId)).emit('presence:updated', {
			roomId,
			userId: actor.userId,
			displayName: member.user.displayName,
			role: member.role,
			isGuest: member.user.isGuest,
			presence: present.get(actor.userId) ?? null
		});
	}

	const join = async ({ roomId }: { roomId: string }) => {
		// Not `roomId in rooms`: a kick pulls the socket out of the room without touching its data.
		const first = !socket.rooms.has(roomKey(roomId));
		if (first || !rooms[roomId]) rooms[roomId] = 'joined';
		await socket.join(roomKey(roomId));
		try {
			const snapshot = await context.snapshot(actor.userId, roomId);
			const me = snapshot.members.find((m) => m.userId === actor.userId);
			if (first && me) {
				const { userId, displayName, role, isGuest, presence } = me;
				context.io
					.to(roomKey(roomId))
					.emit('presence:updated', { roomId, userId, displayName, role, isGuest, presence });
			}
			return snapshot;
		} catch (err) {
			if (first) {
				delete rooms[roomId];
				await socket.leave(roomKey(roomId));
			}
			throw err;
		}
	};
	on('room:join', roomJoinSchema, join);
	on('room:sync', roomSyncSchema, join);

	on('room:leave', roomLeaveSchema, async (p) => {
		const present = new Set((await context.presence(p.roomId)).keys());
		present.delete(actor.userId);
		return f.rooms.leave(actor, p, present);
	});
	on('room:update', roomUpdateSchema, (p) => f.rooms.update(actor, p));
	on('member:set-role', memberSetRoleSchema, (p) => f.rooms.setRole(actor, p));
	on('member:transfer-host', memberTransferHostSchema, (p) => f.rooms.transferHost(actor, p));
	on('member:kick', memberKickSchema, (p) => f.rooms.kick(actor, p));
	on('member:ban', memberBanSchema, (p) => f.rooms.ban(actor, p));

	on('presence:set', presenceSetSchema, async (p) => {
		if (!socket.rooms.has(roomKey(p.roomId))) throw forbidden('Join the room first');
		rooms[p.roomId] = p.status as PresenceStatus;
		await announce(p.roomId);
		return {};
	});

	on('queue:add', queueAddSchema, (p) => f.queue.add(actor, p));
	on('queue:remove', queueRemoveSchema, (p) => f.queue.remove(actor, p));
	on('queue:move', queueMoveSchema, (p) => f.queue.move(actor, p));
	on('queue:pin', queuePinSchema, (p) => f.queue.pin(actor, p));
	on('vote:cast', voteCastSchema, (p) => f.queue.vote(actor, p));
	on('skip:vote', skipVoteSchema, (p) => f.playback.skipVote(actor, p));

	on('playback:play', playbackPlaySchema, (p) => f.playback.play(actor, p));
	on('playback:pause', playbackPauseSchema, (p) => f.playback.pause(actor, p));
	on('playback:skip', playbackSkipSchema, (p) => f.playback.skip(actor, p));
	on('playback:previous', playbackPreviousSchema, (p) => f.playback.previous(actor, p));
	on('playback:seek', playbackSeekSchema, (p) => f.playback.seek(actor, p));

	on('chat:send', chatSendSchema, (p) => f.chat.send(actor, p));
	on('chat:delete', chatDeleteSchema, (p) => f.chat.delete(actor, p));
	on('chat:mute', chatMuteSchema, (p) => f.chat.mute(actor, p));

	// Reactions are fire-and-forget: volatile, not persisted, no version.
	on('reaction:send', reactionSendSchema, async (p) => {
		if (!socket.rooms.has(roomKey(p.roomId))) throw forbidden('Join the room first');
		context.io.to(roomKey(p.roomId)).volatile.emit('reaction:sent', {
			roomId: p.roomId,
			userId: actor.userId,
			displayName: socket.data.displayName,
			emoji: p.emoji
		});
		return {};
	});

	// Sync health is shared with the room: volatile, latest wins, nothing stored.
	on('sync:report', syncReportSchema, async (p) => {
		if (!socket.rooms.has(roomKey(p.roomId))) throw forbidden('Join the room first');
		context.io.to(roomKey(p.roomId)).volatile.emit('sync:reported', {
			...p,
			userId: actor.userId,
			displayName: socket.data.displayName,
			atMs: serverNowMs()
		});
		return {};
	});

	socket.on('disconnect', (reason) => {
		if (reason === 'server shutting down') return;
		for (const roomId of Object.keys(rooms)) {
			void (async () => {
				// The user may still be here from another device: announce their remaining presence.
				const present = await context.presence(roomId);
				const local = [...(context.io.of('/').adapter.rooms.get(roomKey(roomId)) ?? [])].some(
					(id) => context.io.of('/').sockets.get(id)?.data.userId === actor.userId
				);
				if (!local) context.fanout.forget(roomId, actor.userId);
				if (present.get(actor.userId) !== rooms[roomId]) await announce(roomId);
			})().catch((err) => log.warn({ err, roomId }, 'presence update failed'));
		}
	});
}
