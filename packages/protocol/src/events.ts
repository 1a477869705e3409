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
	'clock:ping': (payload: ClockPing, ack: AckCallback<ClockPong>) => void;
	'room:join': (payload: RoomJoin, ack: AckCallback<RoomSnapshot>) => void;
	'room:sync': (payload: RoomJoin, ack: AckCallback<RoomSnapshot>) => void;
	'room:leave': (payload: RoomLeave, ack: AckCallback<Empty>) => void;
	'room:update': (payload: RoomUpdate, ack: AckCallback<{ room: RoomInfo }>) => void;
	'member:set-role': (payload: MemberSetRole, ack: AckCallback<Empty>) => void;
	'member:transfer-host': (payload: MemberTarget, ack: AckCallback<Empty>) => void;
	'member:kick': (payload: MemberTarget, ack: AckCallback<Empty>) => void;
	'member:ban': (payload: MemberTarget, ack: AckCallback<Empty>) => void;
	'presence:set': (payload: PresenceSet, ack: AckCallback<Empty>) => void;
	'queue:add': (payload: QueueAdd, ack: AckCallback<{ item: QueueItem }>) => void;
	'queue:remove': (payload: QueueRemove, ack: AckCallback<Empty>) => void;
	'queue:move': (payload: QueueMove, ack: AckCallback<Empty>) => void;
	'queue:pin': (payload: QueuePin, ack: AckCallback<Empty>) => void;
	'vote:cast': (payload: VoteCast, ack: AckCallback<{ item: QueueItem }>) => void;
	'skip:vote': (payload: SkipVote, ack: AckCallback<SkipResult>) => void;
	'playback:play': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	'playback:pause': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	'playback:skip': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	'playback:previous': (payload: PlaybackCommand, ack: AckCallback<PlaybackAck>) => void;
	'playback:seek': (payload: PlaybackSeek, ack: AckCallback<PlaybackAck>) => void;
	'chat:send': (payload: ChatSend, ack: AckCallback<{ message: ChatMessage }>) => void;
	'chat:delete': (payload: ChatDelete, ack: AckCallback<Empty>) => void;
	'chat:mute': (payload: ChatMute, ack: AckCallback<{ mutedUntil: string | null }>) => void;
	'reaction:send': (payload: ReactionSend, ack: AckCallback<Empty>) => void;
	'sync:report': (payload: SyncReport, ack: AckCallback<Empty>) => void;
}

export interface SessionRevoked {
	/** revoked: signed out (here or elsewhere); expired: the session ran out (idle or max age). */
	reason: 'revoked' | 'expired';
}

/** Broadcasts: `domain:past-tense` or `domain:state`. Versioned ones carry the room version. */
export interface ServerToClientEvents {
	'devices:state': (payload: DevicesState) => void;
	/** This socket's session was deleted (sign-out elsewhere, password change): the socket closes next. */
	'session:revoked': (payload: SessionRevoked) => void;
	'room:updated': (payload: RoomUpdated) => void;
	/**
	 * The room's version in PostgreSQL, sent now and then and after the nodes' Redis link comes
	 * back: a client behind it missed a broadcast and asks for `room:sync`.
	 */
	'room:version': (payload: Versioned) => void;
	'room:removed': (payload: RoomRemoved) => void;
	'members:updated': (payload: MembersUpdated) => void;
	'presence:updated': (payload: PresenceUpdated) => void;
	'queue:updated': (payload: QueueUpdated) => void;
	'queue:voted': (payload: QueueVoted) => void;
	'playback:state': (payload: PlaybackStateEvent) => void;
	'chat:message': (payload: ChatMessageEvent) => void;
	'chat:deleted': (payload: ChatDeletedEvent) => void;
	'reaction:sent': (payload: ReactionSent) => void;
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
