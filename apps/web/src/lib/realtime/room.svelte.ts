import { applyQueueVoted, permissionsFor, withOwnVotes } from '@chorus/protocol';
import type {
	Ack,
	ChatDeletedEvent,
	ChatMessage,
	ChatMessageEvent,
	MembersUpdated,
	MyMembership,
	Permission,
	PlaybackAck,
	PlaybackState,
	PlaybackStateEvent,
	PresenceStatus,
	PresenceUpdated,
	QueueItem,
	QueueUpdated,
	QueueVoted,
	REACTION_EMOJIS,
	ReactionSent,
	RoomInfo,
	RoomMemberInfo,
	RoomRemoved,
	RoomSnapshot,
	RoomUpdated,
	Versioned
} from '@chorus/protocol';
import { errorText } from '$lib/i18n/errors';
import { toasts } from '$lib/toasts/toasts.svelte';
import type { RealtimeConnection } from './connection.svelte';
import {
	ACK_TIMEOUT_MS,
	sendMutation,
	type AckOf,
	type Input,
	type Mutations,
	type PayloadOf,
	type TimelineCommand
} from './mutations';
import { RoomFeed, type EventKind } from './room-feed';

const isoNow = () => new Date().toISOString();
const JOIN_RETRY_MS = 2_000;
/** Re-syncs in a row before giving up on catching up (the next event or reconnect tries again). */
const MAX_SYNC_ROUNDS = 3;
const REACTION_LIFETIME_MS = 2_600;
/** Floating reactions kept at once: a burst from many members must not flood the DOM. */
const MAX_FLOATING_REACTIONS = 30;
/** Presence updates kept while a join is answered (a room holds at most a few hundred members). */
const MAX_EARLY_PRESENCE = 1_000;

export type RoomStatus = 'joining' | 'ready' | 'forbidden' | 'removed' | 'error';
export type Emoji = (typeof REACTION_EMOJIS)[number];

export interface FloatingReaction {
	id: number;
	emoji: Emoji;
	displayName: string;
	/** 0..1, horizontal start, so simultaneous reactions do not stack. */
	x: number;
}

/**
 * One room as this client sees it: the snapshot from `room:join`, kept current by the room's
 * broadcasts under RoomFeed's version rules; `room:sync` fetches what a gap or a version beacon
 * says was missed. Presence is sent from here only, as RoomSession asks.
 */
export class RoomState {
	readonly roomId: string;
	status = $state<RoomStatus>('joining');
	/** Why joining failed, or why this member was removed. */
	error = $state<string | null>(null);
	removedReason = $state<RoomRemoved['reason'] | null>(null);

	room = $state<RoomInfo | null>(null);
	me = $state<MyMembership | null>(null);
	members = $state<RoomMemberInfo[]>([]);
	queue = $state<QueueItem[]>([]);
	playback = $state<PlaybackState | null>(null);
	/** The room version the playback state belongs to (the player orders scheduled states by it). */
	playbackVersion = $state(0);
	chat = $state<ChatMessage[]>([]);
	version = $state(0);
	reactions = $state<FloatingReaction[]>([]);

	readonly isStaff = $derived(this.me?.role === 'host' || this.me?.role === 'cohost');
	/** Server time minus Date.now(), from the last snapshot: the fallback until the clock syncs. */
	#snapshotOffsetMs = 0;

	#connection: RealtimeConnection;
	readonly #feed = new RoomFeed();
	/** What this member's presence should be; sent on every join and when it changes. */
	#presence: PresenceStatus = 'joined';
	/**
	 * Presence is not versioned: what arrives between joining the Socket.IO room and the join's
	 * snapshot may be newer than the snapshot, so it is replayed on top of it, in order.
	 */
	#earlyPresence: PresenceUpdated[] = [];
	#syncing = false;
	#syncRounds = 0;
	#destroyed = false;
	#joinTimer: ReturnType<typeof setTimeout> | undefined;
	// Bookkeeping for destroy(), never rendered: no reactivity wanted.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#timers = new Set<ReturnType<typeof setTimeout>>();
	#seq = 0;

	constructor(connection: RealtimeConnection, roomId: string) {
		this.#connection = connection;
		this.roomId = roomId;
		const s = connection.socket;
		s.on('connect', this.#onConnect);
		s.on('disconnect', this.#onDisconnect);
		s.on('queue:updated', this.#onQueue);
		s.on('queue:voted', this.#onVoted);
		s.on('room:version', this.#onVersion);
		s.on('members:updated', this.#onMembers);
		s.on('room:updated', this.#onRoom);
		s.on('playback:state', this.#onPlayback);
		s.on('chat:message', this.#onChatMessage);
		s.on('chat:deleted', this.#onChatDeleted);
		s.on('presence:updated', this.#onPresence);
		s.on('reaction:sent', this.#onReaction);
		s.on('room:removed', this.#onRemoved);
		// Before the socket connects, the 'connect' handler joins (emitting now would join twice).
		if (s.connected) void this.#join();
	}

	destroy() {
		this.#destroyed = true;
		clearTimeout(this.#joinTimer);
		for (const t of this.#timers) clearTimeout(t);
		const s = this.#connection.socket;
		s.off('connect', this.#onConnect);
		s.off('disconnect', this.#onDisconnect);
		s.off('queue:updated', this.#onQueue);
		s.off('queue:voted', this.#onVoted);
		s.off('room:version', this.#onVersion);
		s.off('members:updated', this.#onMembers);
		s.off('room:updated', this.#onRoom);
		s.off('playback:state', this.#onPlayback);
		s.off('chat:message', this.#onChatMessage);
		s.off('chat:deleted', this.#onChatDeleted);
		s.off('presence:updated', this.#onPresence);
		s.off('reaction:sent', this.#onReaction);
		s.off('room:removed', this.#onRemoved);
	}

	can(permission: Permission): boolean {
		return this.me?.permissions.includes(permission) ?? false;
	}

	/** The host, when they are connected; null when they left (or the room is not loaded). */
	get presentHost(): RoomMemberInfo | null {
		return this.members.find((m) => m.role === 'host' && m.presence !== null) ?? null;
	}

	/** Members connected now who may play, pause, seek and skip. */
	get controllers(): RoomMemberInfo[] {
		const settings = this.room?.settings;
		if (!settings) return [];
		return this.members.filter(
			(m) => m.presence !== null && permissionsFor(m.role, settings, m).includes('playback:control')
		);
	}

	member(userId: string | null): RoomMemberInfo | undefined {
		return userId ? this.members.find((m) => m.userId === userId) : undefined;
	}

	/** Estimated server clock now (ms since epoch). */
	serverNow(): number {
		return this.#connection.clock.serverNow() ?? Date.now() + this.#snapshotOffsetMs;
	}

	/** Playback position now, from the server timeline (clamped to the track). */
	positionMs(now = this.serverNow()): number {
		const p = this.playback;
		if (!p || !p.itemId) return 0;
		const ms = p.positionMs + (p.paused ? 0 : now - p.anchorMs);
		const max = p.track?.durationMs ?? Infinity;
		return Math.min(Math.max(ms, 0), max);
	}

	/** When my chat mute ends (ms since epoch), or null when I may chat. */
	get mutedUntilMs(): number | null {
		const until = this.me?.mutedUntil ? Date.parse(this.me.mutedUntil) : NaN;
		return until > Date.now() ? until : null;
	}

	// ---- joining and catching up ----

	#onConnect = () => {
		// Every (re)connect is a new socket server-side: join again for a fresh snapshot.
		void this.#join();
	};

	#onDisconnect = () => {
		this.#feed.left();
	};

	async #join() {
		clearTimeout(this.#joinTimer);
		if (this.#destroyed || this.status === 'removed') return;
		const s = this.#connection.socket;
		if (!this.#feed.joined && this.status !== 'ready') this.status = 'joining';
		this.#earlyPresence = [];
		let res: Ack<RoomSnapshot>;
		try {
			res = await s.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', { roomId: this.roomId });
		} catch {
			// No answer: try again while connected (a reconnect joins on its own).
			if (!this.#destroyed && s.connected)
				this.#joinTimer = setTimeout(() => void this.#join(), JOIN_RETRY_MS);
			return;
		}
		if (this.#destroyed) return;
		if (!res.ok) {
			this.error = res.error.message;
			this.status = res.error.code === 'FORBIDDEN' ? 'forbidden' : 'error';
			if (res.error.code !== 'FORBIDDEN' && s.connected)
				this.#joinTimer = setTimeout(() => void this.#join(), JOIN_RETRY_MS);
			return;
		}
		this.#syncRounds = 0;
		this.#applySnapshot(res.data, true);
		const early = this.#earlyPresence;
		this.#earlyPresence = [];
		for (const e of early) this.#onPresence(e);
		if (this.#feed.needsSync) void this.#sync();
		// A fresh socket counts as 'joined'; a listener or a hidden tab has something to add.
		if (this.#presence !== 'joined') void this.#sendPresence();
	}

	/** Fetches a snapshot after a gap; one at a time, repeated while events outran it. */
	async #sync() {
		if (this.#syncing || this.#destroyed || !this.#feed.joined) return;
		this.#syncing = true;
		try {
			const res = await this.#connection.socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('room:sync', { roomId: this.roomId });
			if (this.#destroyed) return;
			if (res.ok) this.#applySnapshot(res.data, false);
			else if (res.error.code === 'FORBIDDEN') this.#removed('kicked');
		} catch {
			// Timed out: the next gap or the next reconnect asks again.
		} finally {
			this.#syncing = false;
		}
		if (this.#feed.needsSync && this.#syncRounds++ < MAX_SYNC_ROUNDS) void this.#sync();
	}

	/** Something new says we are behind: a fresh round of syncs (unless one is running). */
	#catchUp() {
		if (!this.#syncing) this.#syncRounds = 0;
		void this.#sync();
	}

	#applySnapshot(snap: RoomSnapshot, fromJoin: boolean) {
		if (!this.#feed.snapshot(snap.version, fromJoin)) return;
		this.room = snap.room;
		this.me = snap.me;
		this.members = snap.members;
		this.queue = snap.queue;
		this.playback = snap.playback;
		this.playbackVersion = snap.version;
		this.chat = snap.chat;
		this.version = snap.version;
		this.#snapshotOffsetMs = snap.serverTime - Date.now();
		this.status = 'ready';
		this.error = null;
	}

	/** One versioned broadcast of this room, under RoomFeed's rules. */
	#versioned(event: Versioned, kind: EventKind, apply: () => void) {
		if (event.roomId !== this.roomId) return;
		const verdict = this.#feed.receive(event.version, kind);
		if (verdict.apply) apply();
		this.version = this.#feed.version;
		if (verdict.sync) this.#catchUp();
	}

	#onQueue = (e: QueueUpdated) =>
		this.#versioned(e, 'full', () => (this.queue = withOwnVotes(e.queue, this.queue)));

	/** One item's new tally; only valid on the queue just before, so a delta. */
	#onVoted = (e: QueueVoted) =>
		this.#versioned(e, 'delta', () => (this.queue = applyQueueVoted(this.queue, e)));

	#onVersion = (e: Versioned) => {
		if (e.roomId === this.roomId && this.#feed.beacon(e.version)) this.#catchUp();
	};

	#onMembers = (e: MembersUpdated) =>
		this.#versioned(e, 'full', () => {
			this.members = e.members;
			const mine = e.members.find((m) => m.userId === this.me?.userId);
			if (mine && this.me && this.room) {
				// Role changes arrive here; permissions follow from role and settings.
				this.me = { ...this.me, role: mine.role, mutedUntil: mine.mutedUntil };
				this.#refreshPermissions();
			}
		});

	#onRoom = (e: RoomUpdated) =>
		this.#versioned(e, 'full', () => {
			this.room = e.room;
			this.#refreshPermissions();
		});

	#onPlayback = (e: PlaybackStateEvent) =>
		this.#versioned(e, 'full', () => {
			this.#snapshotOffsetMs = e.serverTime - Date.now();
			this.#setPlayback(e.playback, e.version);
		});

	/** A timeline from a broadcast or a command's ack; never an older one over a newer. */
	#setPlayback(playback: PlaybackState, version: number) {
		if (version < this.playbackVersion) return;
		this.playback = playback;
		this.playbackVersion = version;
	}

	#onChatMessage = (e: ChatMessageEvent) =>
		this.#versioned(e, 'delta', () => {
			if (this.chat.some((m) => m.id === e.message.id)) return;
			this.chat = [...this.chat, e.message].slice(-100);
		});

	#onChatDeleted = (e: ChatDeletedEvent) =>
		this.#versioned(e, 'delta', () => {
			this.chat = this.chat.filter((m) => m.id !== e.messageId);
		});

	#onPresence = (e: PresenceUpdated) => {
		if (e.roomId !== this.roomId) return;
		if (!this.#feed.joined) {
			if (this.#earlyPresence.length < MAX_EARLY_PRESENCE) this.#earlyPresence.push(e);
			return;
		}
		const known = this.members.some((m) => m.userId === e.userId);
		this.members = known
			? this.members.map((m) => (m.userId === e.userId ? { ...m, presence: e.presence } : m))
			: // A member newer than our list; members:updated brings the full record.
				[
					...this.members,
					{
						userId: e.userId,
						displayName: e.displayName,
						role: e.role,
						isGuest: e.isGuest,
						presence: e.presence,
						mutedUntil: null,
						joinedAt: isoNow()
					}
				];
	};

	#onReaction = (e: ReactionSent) => {
		if (e.roomId !== this.roomId) return;
		const id = ++this.#seq;
		const reaction = { id, emoji: e.emoji, displayName: e.displayName, x: Math.random() };
		this.reactions = [...this.reactions, reaction].slice(-MAX_FLOATING_REACTIONS);
		this.#later(REACTION_LIFETIME_MS, () => {
			this.reactions = this.reactions.filter((r) => r.id !== id);
		});
	};

	#onRemoved = (e: RoomRemoved) => {
		if (e.roomId === this.roomId) this.#removed(e.reason);
	};

	#removed(reason: RoomRemoved['reason']) {
		this.removedReason = reason;
		this.status = 'removed';
		this.#feed.left();
	}

	/**
	 * Permissions are the server's to decide; between snapshots the client derives them from role
	 * and settings with the same function, so buttons appear and disappear live.
	 */
	#refreshPermissions() {
		if (!this.me || !this.room) return;
		this.me = {
			...this.me,
			permissions: permissionsFor(this.me.role, this.room.settings, this.me)
		};
	}

	/** This member's presence here (RoomSession decides it); sent now if joined, else on join. */
	setPresence(status: PresenceStatus) {
		if (status === this.#presence) return;
		this.#presence = status;
		if (this.#feed.joined) void this.#sendPresence();
	}

	async #sendPresence() {
		const s = this.#connection.socket;
		if (!s.connected) return;
		try {
			await s
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('presence:set', { roomId: this.roomId, status: this.#presence });
		} catch {
			// Presence is a hint; a lost update is corrected by the next one.
		}
	}

	#later(ms: number, fn: () => void) {
		const t = setTimeout(() => {
			this.#timers.delete(t);
			fn();
		}, ms);
		this.#timers.add(t);
	}

	// ---- notices ----

	/** A failed command, shown as an app-wide toast (it outlives leaving the room page). */
	notify(message: string) {
		toasts.error(message);
	}

	// ---- commands ----

	/** Sends a mutation (see sendMutation); failures also show as a notice unless `quiet`. */
	async mutate<E extends Mutations>(
		event: E,
		input: Input<E>,
		{ quiet = false }: { quiet?: boolean } = {}
	): Promise<AckOf<E>> {
		const res = await sendMutation(this.#connection.socket, event, {
			...input,
			roomId: this.roomId
		} as Omit<PayloadOf<E>, 'mutationId'>);
		const ack = res as Ack<unknown>;
		if (!ack.ok && !quiet) this.notify(errorText(ack.error));
		return res;
	}

	leave() {
		return this.mutate('room:leave', {});
	}
	update(input: Input<'room:update'>) {
		return this.mutate('room:update', input, { quiet: true });
	}
	setRole(userId: string, role: 'cohost' | 'listener') {
		return this.mutate('member:set-role', { userId, role });
	}
	transferHost(userId: string) {
		return this.mutate('member:transfer-host', { userId });
	}
	kick(userId: string) {
		return this.mutate('member:kick', { userId });
	}
	ban(userId: string) {
		return this.mutate('member:ban', { userId });
	}
	mute(userId: string, durationSec: number) {
		return this.mutate('chat:mute', { userId, durationSec });
	}
	add(trackId: string) {
		return this.mutate('queue:add', { trackId });
	}
	remove(itemId: string) {
		return this.mutate('queue:remove', { itemId });
	}
	move(itemId: string, toIndex: number) {
		return this.mutate('queue:move', { itemId, toIndex });
	}
	pin(itemId: string, pinned: boolean) {
		return this.mutate('queue:pin', { itemId, pinned });
	}
	vote(itemId: string, value: -1 | 0 | 1) {
		return this.mutate('vote:cast', { itemId, value });
	}
	skipVote(itemId: string) {
		return this.mutate('skip:vote', { itemId });
	}
	play() {
		return this.#timeline('playback:play', {});
	}
	pause() {
		return this.#timeline('playback:pause', {});
	}
	skip() {
		return this.#timeline('playback:skip', {});
	}
	previous() {
		return this.#timeline('playback:previous', {});
	}
	seek(positionMs: number) {
		return this.#timeline('playback:seek', { positionMs: Math.max(0, Math.round(positionMs)) });
	}

	/**
	 * A playback command, based on the timeline shown now: the server refuses it as STALE when
	 * the timeline moved on meanwhile (someone else's command, a track end), and we catch up
	 * instead of overriding what the room did. The ack's timeline is shown at once.
	 */
	async #timeline<E extends TimelineCommand>(
		event: E,
		input: Omit<Input<E>, 'basedOnVersion'>
	): Promise<Ack<PlaybackAck>> {
		const res = (await this.mutate(event, {
			...input,
			basedOnVersion: this.playbackVersion
		} as Input<E>)) as Ack<PlaybackAck>;
		if (res.ok) this.#setPlayback(res.data.playback, res.data.version);
		else if (res.error.code === 'STALE') this.#catchUp();
		return res;
	}
	send(body: string) {
		return this.mutate('chat:send', { body }, { quiet: true });
	}
	deleteMessage(messageId: string) {
		return this.mutate('chat:delete', { messageId });
	}

	/** Reactions are fire-and-forget; no mutation id (they are not persisted). */
	async react(emoji: Emoji) {
		try {
			const res = await this.#connection.socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('reaction:send', { roomId: this.roomId, emoji });
			if (!res.ok) this.notify(errorText(res.error));
		} catch {
			// A reaction that did not arrive in time is not worth retrying.
		}
	}
}
