import { toRoomInfo } from '@chorus/protocol';
import type { MutationCtx } from './mutations.ts';

/** Broadcasts the room's info (name, settings, host) as it is at commit. */
export function publishRoomInfo(m: MutationCtx): void {
	m.publish('room', async (_tx, room) => (c) => {
		c.fanout.toRoom(room.id, 'room:updated', {
			roomId: room.id,
			version: c.version,
			room: toRoomInfo(room)
		});
	});
}
