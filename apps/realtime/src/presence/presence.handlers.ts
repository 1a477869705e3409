// Presence, reactions and sync reports: live, volatile, never stored, no version.
import {
	presenceSetSchema,
	reactionSendSchema,
	syncReportSchema,
	type PresenceStatus
} from '@chorus/protocol';
import {
	forbidden,
	roomKey,
	serverNowMs,
	sessionRoom,
	userRoom,
	type ChorusSocket,
	type Engine
} from '../engine/index.ts';
import { commands } from '../socket/command.ts';
import { announce, publishDevices } from './presence.service.ts';

export function register(socket: ChorusSocket, engine: Engine): void {
	const log = engine.logger('presence');
	const on = commands(socket, engine, log);
	const { userId, sessionId } = socket.data;
	const rooms = (socket.data.rooms ??= {});
	const joined = (roomId: string) => {
		if (!socket.rooms.has(roomKey(roomId))) throw forbidden('Join the room first');
	};

	// Rooms that reach a user or one session on every node (revocation, removal, own votes).
	void socket.join([userRoom(userId), sessionRoom(sessionId)]);
	void publishDevices(engine, userId);

	on('presence:set', presenceSetSchema, async (p) => {
		joined(p.roomId);
		rooms[p.roomId] = p.status as PresenceStatus;
		await announce(engine, p.roomId, userId);
		return {};
	});

	on('reaction:send', reactionSendSchema, async (p) => {
		joined(p.roomId);
		engine.fanout.volatileToRoom(p.roomId, 'reaction:sent', {
			roomId: p.roomId,
			userId,
			displayName: socket.data.displayName,
			emoji: p.emoji
		});
		return {};
	});

	// Sync health is shared with the room: latest wins, nothing stored.
	on('sync:report', syncReportSchema, async (p) => {
		joined(p.roomId);
		// Only a device playing the audio has a drift; a remote's report carries none.
		if (p.listening && p.driftMs !== null) engine.metrics.syncDrift(p.driftMs);
		engine.fanout.volatileToRoom(p.roomId, 'sync:reported', {
			...p,
			userId,
			displayName: socket.data.displayName,
			atMs: serverNowMs()
		});
		return {};
	});

	socket.on('disconnect', (reason) => {
		// On shutdown every socket goes at once and Redis is about to close: nothing to tell.
		if (reason === 'server shutting down') return;
		void publishDevices(engine, userId);
		for (const roomId of Object.keys(rooms)) {
			void (async () => {
				// The user may still be here from another device: announce their remaining presence.
				const present = await engine.presence.of(roomId);
				if (present.get(userId) !== rooms[roomId]) await announce(engine, roomId, userId);
			})().catch((err) => log.warn({ err, roomId }, 'presence update failed'));
		}
	});
}
