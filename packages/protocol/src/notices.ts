import { z } from 'zod';

/**
 * PostgreSQL NOTIFY channels between the web app (and database triggers) and the realtime
 * nodes. Each node LISTENs on one dedicated connection; the names and payloads live here once.
 */
export const NOTICE_CHANNELS = {
	/** A `sessions` row was deleted (trigger in the accounts migration); payload: the session id. */
	sessionRevoked: 'chorus_session_revoked',
	/** The web app changed a room outside any socket command; payload: `RoomChangedNotice` JSON. */
	roomChanged: 'chorus_room_changed'
} as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[keyof typeof NOTICE_CHANNELS];

export const sessionRevokedNoticeSchema = z.string().min(1).max(255);

/** The room's version after the change: nodes re-broadcast it unless it already moved on. */
export const roomChangedNoticeSchema = z.strictObject({
	roomId: z.uuid(),
	version: z.number().int().min(0)
});
export type RoomChangedNotice = z.infer<typeof roomChangedNoticeSchema>;

/** Parses a notice payload; null for anything malformed (a notice is never trusted blindly). */
export function parseNotice(channel: string, payload: string | undefined) {
	if (payload === undefined) return null;
	if (channel === NOTICE_CHANNELS.sessionRevoked) {
		const r = sessionRevokedNoticeSchema.safeParse(payload);
		return r.success ? { channel: NOTICE_CHANNELS.sessionRevoked, sessionId: r.data } : null;
	}
	if (channel === NOTICE_CHANNELS.roomChanged) {
		let json: unknown;
		try {
			json = JSON.parse(payload);
		} catch {
			return null;
		}
		const r = roomChangedNoticeSchema.safeParse(json);
		return r.success ? { channel: NOTICE_CHANNELS.roomChanged, ...r.data } : null;
	}
	return null;
}
