// The room's own columns in PostgreSQL. No rules here.
import type { RoomUpdate } from '@chorus/protocol';
import type { Tx } from '../engine/index.ts';

export function updateRoom(
	tx: Tx,
	roomId: string,
	p: Pick<RoomUpdate, 'name' | 'description' | 'settings'>
) {
	return tx.room.update({
		where: { id: roomId },
		data: { name: p.name, description: p.description, ...p.settings }
	});
}
