import type { AckCallback } from './ack.ts';
import type { ChatSend } from './rooms.ts';
import type {
	ChatDelete,
	ChatDeletedEvent,
	ChatMessage,
	ChatMessageEvent,
	ChatMute,
	MembersUpdated,
	MemberSetRole,
	MemberTarget,
	PlaybackCommand,
	PlaybackSeek,
	PlaybackState,
	PlaybackStateEvent,
	PresenceSet,
	PresenceUpdated,
	QueueAdd,
	QueueItem,
	QueueMove,
	QueuePin,
	QueueRemove,
	QueueUpdated,
	QueueVoted,
	ReactionSend,
	ReactionSent,
	RoomInfo,
	RoomJoin,
	RoomLeave,
	RoomRemoved,
	RoomSnapshot,
	RoomUpdate,
	RoomUpdated,
	SkipVote,
	SyncReport,
	SyncReported,
	Versioned,
	VoteCast
} from './rooms.ts';
import type { ClockPing, ClockPong, DevicesState } from './schemas.ts';

type Empty = Record<string, never>;

export interface SkipResult {
	/** True when this vote (or the submitter's own skip) skipped the track. */
	skipped: boolean;
	votes: number;
	needed: number;
}

/** A playback command's answer: the timeline it set, at the room version it is at now. */
export interface PlaybackAck {
	playback: PlaybackState;
	version: number;
}

/** Commands: `domain:verb`, always with an ack. */
export interface ClientToServerEvents {
	/** Clock sync sample (NTP-style): the ack carries the server's receive and send times. */
	'clock:ping': (payload: ClockPing, ack: AckCallback<ClockPong>) => void;
	/** Join a room you are a member of on this socket: its broadcasts start, the ack is the snapshot. */
	'room:join': (payload: RoomJoin, ack: AckCallback<RoomSnapshot>) => void;
	/** A fresh snapshot, after a version gap or a reconnect. */
	'room:sync': (payload: RoomJoin, ack: AckCallback<RoomSnapshot>) => void;
	/** Leave the room for good (the membership is removed). */
	'room:leave': (payload: RoomLeave, ack: AckCallback<Empty>) => void;
	/** Rename the room, or change its description or settings (permission `settings`). */
	'room:update': (payload: RoomUpdate, ack: AckCallback<{ room: RoomInfo }>) => void;
	/** Make a member co-host or listener. */
	'member:set-role': (payload: MemberSetRole, ack: AckCallback<Empty>) => void;
	/** Hand the host role to another member. */
	'member:transfer-host': (payload: MemberTarget, ack: AckCallback<Empty>) => void;
	/** Remove a member (permission `moderate`); an invite can bring them back. */
	'member:kick': (payload: MemberTarget, ack: AckCallback<Empty>) => void;
	/** Remove a member and keep them out (permission `moderate`). */
	'member:ban': (payload: MemberTarget, ack: AckCallback<Empty>) => void;
	/** This socket's presence in the room: joined, listening (playing the audio here) or away. */
	'presence:set': (payload: PresenceSet, ack: AckCallback<Empty>) => void;
	/** Add a track to the waiting queue. */
	'queue:add': (payload: QueueAdd, ack: AckCallback<{ item: QueueItem }>) => void;
	/** Remove a waiting item (your own, or any with `queue:remove-any`). */
	'queue:remove': (payload: QueueRemove, ack: AckCallback<Empty>) => void;
	/** Move an item into the pinned section at toIndex (permission `queue:reorder`). */
	'queue:move': (payload: QueueMove, ack: AckCallback<Empty>) => void;
	/** Pin or unpin an item (pinned items play first, in their order). */
	'queue:pin': (payload: QueuePin, ack: AckCallback<Empty>) => void;
	/** Vote a waiting item up (1), down (-1) or take the vote back (0). */
	'vote:cast': (payload: VoteCast, ack: AckCallback<{ item: QueueItem }>) => void;
	/** Vote to skip the playing item; it is skipped once enough present listeners voted. */
	'skip:vote': (payload: SkipVote, ack: AckCallback<SkipResult>) => void;
	/** Start or resume, at a scheduled server instant (permission `playback:control`, as every playback command). */
	'playback:play': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	/** Pause, keeping the position. */
	'playback:pause': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	/** Skip to the next item. */
	'playback:skip': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	/** Restart the current track, or go back to the previous one near its start. */
	'playback:previous': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	/** Seek to positionMs. */
	'playback:seek': (payload: PlaybackSeek, ack: AckCallback<PlaybackAck>) => void;
	/** Send a chat message. */
	'chat:send': (payload: ChatSend, ack: AckCallback<{ message: ChatMessage }>) => void;
	/** Delete a chat message. */
	'chat:delete': (payload: ChatDelete, ack: AckCallback<Empty>) => void;
	/** Mute a member's chat for durationSec (0 unmutes). */
	'chat:mute': (payload: ChatMute, ack: AckCallback<{ mutedUntil: string | null }>) => void;
	/** Send an emoji reaction to the room (not stored). */
	'reaction:send': (payload: ReactionSend, ack: AckCallback<Empty>) => void;
	/** Share this device's drift, clock offset and round trip with the room (volatile). */
	'sync:report': (payload: SyncReport, ack: AckCallback<Empty>) => void;
}

export interface SessionRevoked {
	/** revoked: signed out (here or elsewhere); expired: the session ran out (idle or max age). */
	reason: 'revoked' | 'expired';
}

/** Broadcasts: `domain:past-tense` or `domain:state`. Versioned ones carry the room version. */
export interface ServerToClientEvents {
	/** How many sockets you have open across the realtime nodes. */
	'devices:state': (payload: DevicesState) => void;
	/** This socket's session was deleted (sign-out elsewhere, password change): the socket closes next. */
	'session:revoked': (payload: SessionRevoked) => void;
	/** The room's name, description or settings changed. */
	'room:updated': (payload: RoomUpdated) => void;
	/**
	 * The room's version in PostgreSQL, sent now and then and after the nodes' Redis link comes
	 * back: a client behind it missed a broadcast and asks for `room:sync`.
	 */
	'room:version': (payload: Versioned) => void;
	/** You are no longer in the room: kicked, banned, left from another device, or it closed. */
	'room:removed': (payload: RoomRemoved) => void;
	/** The member list changed (joins, roles, removals). */
	'members:updated': (payload: MembersUpdated) => void;
	/** One member's presence changed (not versioned). */
	'presence:updated': (payload: PresenceUpdated) => void;
	/** The whole waiting queue, after any change but a vote. */
	'queue:updated': (payload: QueueUpdated) => void;
	/** One item's tally after a vote (and the new order, when it moved). */
	'queue:voted': (payload: QueueVoted) => void;
	/** The timeline changed (play, pause, seek, skip, advance), with the server time. */
	'playback:state': (payload: PlaybackStateEvent) => void;
	/** A new chat message. */
	'chat:message': (payload: ChatMessageEvent) => void;
	/** A chat message was deleted. */
	'chat:deleted': (payload: ChatDeletedEvent) => void;
	/** Someone sent an emoji reaction. */
	'reaction:sent': (payload: ReactionSent) => void;
	/** A listener's sync report, relayed to the room. */
	'sync:reported': (payload: SyncReported) => void;
}

/** Between realtime nodes (through the Redis adapter). */
export interface InterServerEvents {
	/** Each node answers with its own sockets in the room. */
	'presence:query': (roomId: string, reply: (entries: PresenceEntry[]) => void) => void;
	/** Each node answers in which of these rooms one of its sockets is listening. */
	'presence:listened': (roomIds: string[], reply: (listened: string[]) => void) => void;
}

/** Set by the handshake middleware; handlers authorize from this, never from payload ids. */
export interface SocketData {
	userId: string;
	sessionId: string;
	/** When the session stops signing in unless extended (ms since epoch); re-read every few s. */
	sessionValidUntilMs: number;
	displayName: string;
	isGuest?: boolean;
	/** The client's own clock-sync round trip (min of its window), reported in clock:ping. */
	rttMs?: number;
	/** Rooms this socket joined, with its presence in each. */
	rooms?: Record<string, PresenceStatusData>;
}

export type PresenceStatusData = 'joined' | 'listening' | 'away';
/** One socket in a room: user, presence, and its reported clock round trip (ms). */
export type PresenceEntry = [userId: string, presence: PresenceStatusData, rttMs: number | null];

export const CLIENT_EVENTS = [
	'clock:ping',
	'room:join',
	'room:sync',
	'room:leave',
	'room:update',
	'member:set-role',
	'member:transfer-host',
	'member:kick',
	'member:ban',
	'presence:set',
	'queue:add',
	'queue:remove',
	'queue:move',
	'queue:pin',
	'vote:cast',
	'skip:vote',
	'playback:play',
	'playback:pause',
	'playback:skip',
	'playback:previous',
	'playback:seek',
	'chat:send',
	'chat:delete',
	'chat:mute',
	'reaction:send',
	'sync:report'
] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Machine-readable reasons carried in `connect_error.data.code`. */
export const CONNECT_ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL'] as const;
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];
