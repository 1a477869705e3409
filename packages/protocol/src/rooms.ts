import { z } from 'zod';

// ---- limits ----
export const ROOM_NAME_MAX_LENGTH = 80;
export const ROOM_DESCRIPTION_MAX_LENGTH = 500;
export const CHAT_MESSAGE_MAX_LENGTH = 500;
/** How many chat messages a room keeps (older ones are deleted). */
export const CHAT_HISTORY_MESSAGES = 100;
export const MUTATION_ID_MAX_LENGTH = 64;
export const MAX_PENDING_LIMIT = 100;
/** Hard cap on a room's waiting queue, whatever the per-member limit. */
export const QUEUE_MAX_ITEMS = 500;
export const REACTION_EMOJIS = ['🔥', '❤️', '👏', '😂', '🎉', '😮', '💃', '👎'] as const;

export const ROOM_ROLES = ['host', 'cohost', 'listener'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];
export const ADD_POLICIES = ['everyone', 'hosts'] as const;
export type AddPolicy = (typeof ADD_POLICIES)[number];
export const PRESENCE_STATUSES = ['joined', 'listening', 'away'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

// ---- field schemas ----
export const roomNameSchema = z
	.string()
	.trim()
	.min(1, 'Room name is required')
	.max(ROOM_NAME_MAX_LENGTH, `Room name must be at most ${ROOM_NAME_MAX_LENGTH} characters`)
	.refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'Room name contains invalid characters');
export const roomDescriptionSchema = z
	.string()
	.trim()
	.max(
		ROOM_DESCRIPTION_MAX_LENGTH,
		`Description must be at most ${ROOM_DESCRIPTION_MAX_LENGTH} characters`
	);

export const roomSettingsSchema = z.strictObject({
	addPolicy: z.enum(ADD_POLICIES),
	/** Everyone may control playback, not only host and co-hosts. */
	guestControls: z.boolean(),
	/** Skip when ceil(percent% of present listeners) voted (at least 1). */
	skipThresholdPercent: z.number().int().min(1).max(100),
	/** Waiting tracks per member; host and co-hosts are not limited. */
	maxPendingPerMember: z.number().int().min(1).max(MAX_PENDING_LIMIT),
	fairRotation: z.boolean(),
	/**
	 * Guests (joined by link, no account) may search the whole library for tracks to add; without
	 * it they add only tracks the room already surfaced (its queue and history).
	 */
	guestsAddFromLibrary: z.boolean()
});
export type RoomSettings = z.infer<typeof roomSettingsSchema>;
export const DEFAULT_ROOM_SETTINGS: RoomSettings = {
	addPolicy: 'everyone',
	guestControls: false,
	skipThresholdPercent: 50,
	maxPendingPerMember: 10,
	fairRotation: false,
	guestsAddFromLibrary: false
};

const id = z.uuid();
/** Client-chosen, unique per user and room; a retry with the same id is applied once. */
export const mutationIdSchema = z
	.string()
	.min(1)
	.max(MUTATION_ID_MAX_LENGTH)
	.regex(/^[A-Za-z0-9_-]+$/, 'mutationId may contain letters, digits, "-" and "_" only');
const roomRef = { roomId: id };
const mutation = { roomId: id, mutationId: mutationIdSchema };

// ---- client -> server payloads (one strict schema per event) ----
export const roomJoinSchema = z.strictObject(roomRef);
export const roomSyncSchema = z.strictObject(roomRef);
/** Leave for good (membership removed); closing the tab is not leaving. */
export const roomLeaveSchema = z.strictObject(mutation);
export const roomUpdateSchema = z
	.strictObject({
		...mutation,
		name: roomNameSchema.optional(),
		description: roomDescriptionSchema.optional(),
		settings: roomSettingsSchema.partial().optional()
	})
	.refine(
		(o) => o.name !== undefined || o.description !== undefined || o.settings !== undefined,
		'Send at least one field to change'
	);
export const memberSetRoleSchema = z.strictObject({
	...mutation,
	userId: id,
	role: z.enum(['cohost', 'listener'])
});
export const memberTransferHostSchema = z.strictObject({ ...mutation, userId: id });
export const memberKickSchema = z.strictObject({ ...mutation, userId: id });
export const memberBanSchema = z.strictObject({ ...mutation, userId: id });
export const presenceSetSchema = z.strictObject({ ...roomRef, status: z.enum(PRESENCE_STATUSES) });
export const queueAddSchema = z.strictObject({ ...mutation, trackId: id });
export const queueRemoveSchema = z.strictObject({ ...mutation, itemId: id });
/** Moves an item into the pinned section at `toIndex` (0 = next up). */
export const queueMoveSchema = z.strictObject({
	...mutation,
	itemId: id,
	toIndex: z.number().int().min(0).max(QUEUE_MAX_ITEMS)
});
export const queuePinSchema = z.strictObject({ ...mutation, itemId: id, pinned: z.boolean() });
export const voteCastSchema = z.strictObject({
	...mutation,
	itemId: id,
	value: z.union([z.literal(1), z.literal(-1), z.literal(0)])
});
export const skipVoteSchema = z.strictObject({ ...mutation, itemId: id });
/**
 * Playback commands say which timeline they were based on: the version of the last
 * `playback:state` (or snapshot) the client saw. The server refuses one with STALE when the
 * timeline changed since, so commands queued while offline cannot replay over newer ones.
 */
const timelineCommand = {
	...mutation,
	basedOnVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
};
export const playbackPlaySchema = z.strictObject(timelineCommand);
export const playbackPauseSchema = z.strictObject(timelineCommand);
export const playbackSkipSchema = z.strictObject(timelineCommand);
/** Restarts the current track, or goes back to the previous one when near its start. */
export const playbackPreviousSchema = z.strictObject(timelineCommand);
export const playbackSeekSchema = z.strictObject({
	...timelineCommand,
	positionMs: z
		.number()
		.finite()
		.min(0)
		.max(24 * 3600 * 1000)
});
export const chatSendSchema = z.strictObject({
	...mutation,
	body: z
		.string()
		.trim()
		.min(1, 'Message is empty')
		.max(CHAT_MESSAGE_MAX_LENGTH, `Messages are at most ${CHAT_MESSAGE_MAX_LENGTH} characters`)
		// Bidi overrides and other format characters can spoof the chat; newlines are fine.
		.refine((s) => !/(?!\n)[\p{Cc}\p{Cf}]/u.test(s), 'Message contains invalid characters')
});
export const chatDeleteSchema = z.strictObject({ ...mutation, messageId: id });
/** Mutes a member's chat for `durationSec` (0 = unmute). */
export const chatMuteSchema = z.strictObject({
	...mutation,
	userId: id,
	durationSec: z
		.number()
		.int()
		.min(0)
		.max(7 * 24 * 3600)
});
/** A listener's own sync measurements, shared with the room (volatile, not persisted). */
export const syncReportSchema = z.strictObject({
	...roomRef,
	/** Audio position minus the room timeline (ms, + = ahead); null when not playing audio here. */
	driftMs: z.number().finite().min(-3_600_000).max(3_600_000).nullable(),
	/** This device's clock offset to the server and round trip, from clock sync. */
	offsetMs: z.number().finite().nullable(),
	rttMs: z.number().finite().min(0).max(60_000).nullable(),
	/** Playing audio on this device (false: following the room as a remote). */
	listening: z.boolean()
});
export type SyncReport = z.infer<typeof syncReportSchema>;
export interface SyncReported extends SyncReport {
	userId: string;
	displayName: string;
	/** Server time the report was relayed. */
	atMs: number;
}

export const reactionSendSchema = z.strictObject({ ...roomRef, emoji: z.enum(REACTION_EMOJIS) });

export type RoomJoin = z.infer<typeof roomJoinSchema>;
export type RoomLeave = z.infer<typeof roomLeaveSchema>;
export type RoomUpdate = z.infer<typeof roomUpdateSchema>;
export type MemberSetRole = z.infer<typeof memberSetRoleSchema>;
export type MemberTarget = z.infer<typeof memberKickSchema>;
export type PresenceSet = z.infer<typeof presenceSetSchema>;
export type QueueAdd = z.infer<typeof queueAddSchema>;
export type QueueRemove = z.infer<typeof queueRemoveSchema>;
export type QueueMove = z.infer<typeof queueMoveSchema>;
export type QueuePin = z.infer<typeof queuePinSchema>;
export type VoteCast = z.infer<typeof voteCastSchema>;
export type SkipVote = z.infer<typeof skipVoteSchema>;
export type PlaybackCommand = z.infer<typeof playbackPlaySchema>;
export type PlaybackSeek = z.infer<typeof playbackSeekSchema>;
export type ChatSend = z.infer<typeof chatSendSchema>;
export type ChatDelete = z.infer<typeof chatDeleteSchema>;
export type ChatMute = z.infer<typeof chatMuteSchema>;
export type ReactionSend = z.infer<typeof reactionSendSchema>;

// ---- state shapes (server -> client) ----
export interface RoomInfo {
	id: string;
	name: string;
	description: string;
	hostId: string | null;
	settings: RoomSettings;
	createdAt: string;
}

/** A `rooms` row as Prisma names its columns (realtime's raw SQL selects the same names). */
export interface RoomColumns {
	id: string;
	name: string;
	description: string;
	hostId: string | null;
	addPolicy: AddPolicy;
	guestControls: boolean;
	skipThresholdPercent: number;
	maxPendingPerMember: number;
	fairRotation: boolean;
	guestsAddFromLibrary: boolean;
	createdAt: Date;
}

export function roomSettingsOf(r: RoomColumns): RoomSettings {
	return {
		addPolicy: r.addPolicy,
		guestControls: r.guestControls,
		skipThresholdPercent: r.skipThresholdPercent,
		maxPendingPerMember: r.maxPendingPerMember,
		fairRotation: r.fairRotation,
		guestsAddFromLibrary: r.guestsAddFromLibrary
	};
}

/** The one row -> RoomInfo mapping, for the web app and the realtime service alike. */
export function toRoomInfo(r: RoomColumns): RoomInfo {
	return {
		id: r.id,
		name: r.name,
		description: r.description,
		hostId: r.hostId,
		settings: roomSettingsOf(r),
		createdAt: r.createdAt.toISOString()
	};
}

export interface RoomMemberInfo {
	userId: string;
	displayName: string;
	role: RoomRole;
	isGuest: boolean;
	/** Null when no socket of this member is in the room. */
	presence: PresenceStatus | null;
	mutedUntil: string | null;
	joinedAt: string;
}

export interface QueueTrack {
	title: string;
	artist: string;
	album: string | null;
	durationMs: number;
	coverUrl: string;
	streamUrl: string;
}

/** A waiting queue item as the whole room sees it (broadcasts carry no one's own vote). */
export interface QueueEntry {
	id: string;
	trackId: string;
	addedBy: string | null;
	addedByName: string | null;
	score: number;
	up: number;
	down: number;
	pinned: boolean;
	addedAt: string;
	track: QueueTrack;
}

/** A queue item with the receiving member's own vote (snapshots and acks). */
export interface QueueItem extends QueueEntry {
	myVote: -1 | 0 | 1;
}

/**
 * The room timeline. A command takes effect at `anchorMs` (server clock, usually a little in
 * the future so every listener acts at the same instant); until then the previous state holds.
 * From anchorMs on, position(t) = positionMs + (paused ? 0 : t - anchorMs).
 */
export interface PlaybackState {
	itemId: string | null;
	trackId: string | null;
	track: QueueTrack | null;
	addedBy: string | null;
	anchorMs: number;
	positionMs: number;
	paused: boolean;
	/** Members who voted to skip the current item (each client finds itself in it). */
	skipVoterIds: string[];
	skipNeeded: number;
}

export interface ChatMessage {
	id: string;
	userId: string | null;
	displayName: string | null;
	body: string;
	createdAt: string;
}

export interface MyMembership {
	userId: string;
	role: RoomRole;
	/** A guest account (joined by link): permissions depend on it. */
	isGuest: boolean;
	permissions: Permission[];
	mutedUntil: string | null;
}

export interface RoomSnapshot {
	room: RoomInfo;
	me: MyMembership;
	members: RoomMemberInfo[];
	queue: QueueItem[];
	playback: PlaybackState;
	chat: ChatMessage[];
	version: number;
	/** Server clock (ms since epoch) when the snapshot was taken. */
	serverTime: number;
}

// ---- broadcasts ----
export interface Versioned {
	roomId: string;
	version: number;
}
/**
 * The whole waiting queue, the same payload for every member: each client keeps its own votes
 * (from its snapshot, its acks and `queue:voted`) and carries them over by item id.
 */
export interface QueueUpdated extends Versioned {
	queue: QueueEntry[];
}
/**
 * One vote changed one item's tally. Sent instead of the whole queue: the item's new counts,
 * and the waiting queue's new play order only when the vote moved something.
 */
export interface QueueVoted extends Versioned {
	itemId: string;
	score: number;
	up: number;
	down: number;
	/** Ids of the waiting queue in play order; present only when this vote changed the order. */
	order?: string[];
	/** Present only in the copy sent to the voter's own sockets: their vote now. */
	myVote?: -1 | 0 | 1;
}
export interface RoomUpdated extends Versioned {
	room: RoomInfo;
}
export interface MembersUpdated extends Versioned {
	members: RoomMemberInfo[];
}
export interface PlaybackStateEvent extends Versioned {
	playback: PlaybackState;
	serverTime: number;
}
export interface ChatMessageEvent extends Versioned {
	message: ChatMessage;
}
export interface ChatDeletedEvent extends Versioned {
	messageId: string;
}
/** Presence is not persisted and carries no version. */
export interface PresenceUpdated {
	roomId: string;
	userId: string;
	displayName: string;
	role: RoomRole;
	isGuest: boolean;
	presence: PresenceStatus | null;
}
export interface ReactionSent {
	roomId: string;
	userId: string;
	displayName: string;
	emoji: (typeof REACTION_EMOJIS)[number];
}
/** Sent to a member who was removed (kicked, banned) or left from another device. */
export interface RoomRemoved {
	roomId: string;
	reason: 'kicked' | 'banned' | 'left' | 'closed';
}

// ---- permissions (the server checks; the UI only hides) ----
export const PERMISSIONS = [
	'queue:add',
	/** Add any library track (search), not only the tracks the room already surfaced. */
	'queue:add-library',
	'queue:remove-any',
	'queue:reorder',
	'playback:control',
	'invite',
	'chat',
	'moderate',
	'settings'
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Who the member is beyond their role: a guest account sees only what the room needs. */
export interface MemberKind {
	isGuest?: boolean;
}

export function permissionsFor(
	role: RoomRole,
	settings: RoomSettings,
	{ isGuest = false }: MemberKind = {}
): Permission[] {
	const staff = role === 'host' || role === 'cohost';
	const out: Permission[] = ['chat'];
	if (staff || settings.addPolicy === 'everyone') {
		out.push('queue:add');
		if (!isGuest || settings.guestsAddFromLibrary) out.push('queue:add-library');
	}
	if (staff) out.push('queue:remove-any', 'queue:reorder', 'invite', 'moderate');
	if (staff || settings.guestControls) out.push('playback:control');
	if (role === 'host') out.push('settings');
	return out;
}

export function can(
	role: RoomRole,
	permission: Permission,
	settings: RoomSettings,
	kind: MemberKind = {}
): boolean {
	return permissionsFor(role, settings, kind).includes(permission);
}

/** Host outranks co-host outranks listener; moderation only reaches lower ranks. */
export const ROLE_RANK: Record<RoomRole, number> = { host: 2, cohost: 1, listener: 0 };

/** Votes needed to skip: ceil(percent% of present listeners), at least one. */
export function skipVotesNeeded(presentListeners: number, percent: number): number {
	return Math.max(1, Math.ceil((Math.max(0, presentListeners) * percent) / 100));
}

// ---- queue order ----
export interface Orderable {
	id: string;
	addedBy: string | null;
	score: number;
	pinRank: number | null;
	/** ms since epoch */
	addedAtMs: number;
}

const byScore = (a: Orderable, b: Orderable) =>
	b.score - a.score || a.addedAtMs - b.addedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Pinned first (by pin rank), then score (up - down) descending, then time added. With fair
 * rotation the unpinned part is dealt in rounds: each round takes every member's best remaining
 * item, so one member's many tracks cannot crowd out the others.
 */
export function orderQueue<T extends Orderable>(items: readonly T[], fairRotation: boolean): T[] {
	const pinned = items
		.filter((i) => i.pinRank !== null)
		.sort((a, b) => a.pinRank! - b.pinRank! || byScore(a, b));
	const rest = items.filter((i) => i.pinRank === null).sort(byScore);
	if (!fairRotation) return [...pinned, ...rest];
	const perMember = new Map<string, T[]>();
	for (const item of rest) {
		const key = item.addedBy ?? `item:${item.id}`;
		const list = perMember.get(key);
		if (list) list.push(item);
		else perMember.set(key, [item]);
	}
	const out: T[] = [...pinned];
	for (let round = 0; out.length < items.length; round++) {
		const dealt = [...perMember.values()]
			.map((list) => list[round])
			.filter((x): x is T => x !== undefined)
			.sort(byScore);
		out.push(...dealt);
	}
	return out;
}

// ---- a client's queue ----

/** A `queue:updated` queue with this client's own votes carried over by item id (new ones 0). */
export function withOwnVotes(
	entries: readonly QueueEntry[],
	previous: readonly QueueItem[]
): QueueItem[] {
	const mine = new Map(previous.map((i) => [i.id, i.myVote]));
	return entries.map((e) => ({ ...e, myVote: mine.get(e.id) ?? 0 }));
}

/**
 * Applies a `queue:voted` delta: the item's new tally (and the voter's own vote, in their copy),
 * then the new play order when it came with one. Only valid on the queue at the version just
 * before (the caller's version rules decide).
 */
export function applyQueueVoted(queue: readonly QueueItem[], e: QueueVoted): QueueItem[] {
	const next = queue.map((i) =>
		i.id === e.itemId
			? { ...i, score: e.score, up: e.up, down: e.down, myVote: e.myVote ?? i.myVote }
			: i
	);
	if (!e.order) return next;
	const byId = new Map(next.map((i) => [i.id, i]));
	const ordered = e.order.flatMap((id) => byId.get(id) ?? []);
	// Items the order does not name (should not happen at the right version) keep their place at the end.
	const named = new Set(e.order);
	return [...ordered, ...next.filter((i) => !named.has(i.id))];
}
