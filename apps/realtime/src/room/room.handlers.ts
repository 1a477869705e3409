import {
	roomJoinSchema,
	roomLeaveSchema,
	roomSyncSchema,
	roomUpdateSchema
} from '@chorus/protocol';
import { roomKey, type ChorusSocket, type Engine } from '../engine/index.ts';
import { presenceUpdated } from '../presence/presence.service.ts';
import { commands } from '../socket/command.ts';
import { leave, refreshAfterExternalChange, snapshot, update } from './room.service.ts';

/** Per node: re-broadcast rooms the web app changed, if this node serves them. */
export function start(engine: Engine): void {
	const log = engine.logger('room');
	engine.notices.on('roomChanged', (roomId, version) => {
		// Every node hears every room; only nodes serving it act. The first re-renders it for all
		// (through Redis), the others find the version moved on.
		if (!engine.presence.serves(roomId)) return;
		refreshAfterExternalChange(engine, roomId, version).catch((err: unknown) => {
			// Members still catch up on their next room:sync.
			log.warn({ err, roomId }, 'could not broadcast an external room change');
		});
	});
}

export function register(socket: ChorusSocket, engine: Engine): void {
	const on = commands(socket, engine, engine.logger('room'));
	const actor = { userId: socket.data.userId };
	const rooms = (socket.data.rooms ??= {});

	/** Joins the Socket.IO room first, so no broadcast after the snapshot is missed. */
	const join = async ({ roomId }: { roomId: string }) => {
		// Not `roomId in rooms`: a kick pulls the socket out of the room without touching its data.
		const first = !socket.rooms.has(roomKey(roomId));
		if (first || !rooms[roomId]) rooms[roomId] = 'joined';
		await socket.join(roomKey(roomId));
		try {
			const snap = await snapshot(engine, actor.userId, roomId);
			const me = snap.members.find((m) => m.userId === actor.userId);
			if (first && me) presenceUpdated(engine, roomId, me);
			return snap;
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
	on('room:leave', roomLeaveSchema, (p) => leave(engine, actor, p));
	on('room:update', roomUpdateSchema, (p) => update(engine, actor, p));
}
