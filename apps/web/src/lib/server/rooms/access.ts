import { registerTrackAccessRule } from '../library/tracks.ts';
import { getDb } from '../db.ts';

/**
 * Members of a room may stream every track that is or was in its queue (any status), even a
 * private one: whoever queued it shared it with the room.
 */
export async function memberOfRoomWithTrack(userId: string, trackId: string): Promise<boolean> {
	const rows = await getDb().$queryRaw<{ ok: boolean }[]>`
		SELECT EXISTS (
			SELECT 1 FROM queue_items q
			JOIN room_members m ON m.room_id = q.room_id AND m.user_id = ${userId}::uuid
			WHERE q.track_id = ${trackId}::uuid
		) AS ok`;
	return rows[0]?.ok === true;
}

let registered = false;
/** Called once at server start (hooks.server.ts init). */
export function registerRoomTrackAccess(): void {
	if (registered) return;
	registered = true;
	registerTrackAccessRule(memberOfRoomWithTrack);
}
