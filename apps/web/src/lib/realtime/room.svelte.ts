import { permissionsFor } from '@chorus/protocol';
import type {
	Ack,
	ChatMessage,
	ClientToServerEvents,
	MyMembership,
	Permission,
	PlaybackState,
	PresenceStatus,
	QueueItem,
	REACTION_EMOJIS,
	RoomInfo,
	RoomMemberInfo,
	RoomRemoved,
	RoomSnapshot
} from '@chorus/protocol';
import type { RealtimeConnection } from './connection.svelte';
import type { RealtimeSocket } from './socket';

/** How long a command waits for its ack before the one retry (same mutationId). */
export const ACK_TIMEOUT_MS = 5_000;
const JOIN_RETRY_MS = 2_000;
/** Re-syncs in a row before giving up on catching up (the next event or reconnect tries again). */
const MAX_SYNC_ROUNDS = 3;
const REACTION_LIFETIME_MS = 2_600;
const NOTICE_LIFETIME_MS = 6_000;
/** Floating reactions kept at once: a burst from many members must not flood the DOM. */
const MAX_FLOATING_REACTIONS = 30;

export type RoomStatus = 'joining' | 'ready' | 'forbidden' | 'removed' | 'error';
export type Emoji = (typeof REACTION_EMOJIS)[number];

export interface FloatingReaction {
	id: number;
	emoji: Emoji;
	displayName: string;
	/** 0..1, horizontal start, so simultaneous reactions do not stack. */
	x: number;
}

export interface Notice {
	id: number;
	message: string;
}

export type Mutations = {
	[E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]>[0] extends {
		mutationId: string;
	}
		? E
		: never;
}[keyof ClientToServerEvents];
type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (
	res: infer R
) => void
	? R
	: never;
type Input<E extends Mutations> = Omit<PayloadOf<E>, 'roomId' | 'mutationId'>;

/** A fresh mutation id; randomUUID needs a secure context, plain-HTTP LAN installs may lack it. */
function newMutationId(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
		b.toString(16).padStart(2, '0')
	).join('');
}

const isoNow = () => new Date().toISOString();
const timedOut = (err: unknown) => err instanceof Error && /timed? ?out/i.test(err.message);

/**
 * Sends a room mutation with a fresh mutationId; on timeout sends it once more with the SAME id
 * (the server applies an id at most once and answers the retry with the first result). A second
 * timeout becomes an UNAVAILABLE ack, so callers handle one shape.
 */
export async function sendMutation<E extends Mutations>(
	socket: RealtimeSocket,
	event: E,
	input: Omit<PayloadOf<E>, 'mutationId'>
): Promise<AckOf<E>> {
	const payload = { ...input, mutationId: newMutationId() };
	// socket.io's typed emitWithAck cannot follow a generic event name; the types above do.
	const s = socket as unknown as {
		timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
	};
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			return (await s.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as AckOf<E>;
		} catch (err) {
			if (!timedOut(err)) throw err;
		}
	}
	return {
		ok: false,
		error: { code: 'UNAVAILABLE', message: 'The server did not answer. Try again.' }
	} as AckOf<E>;
}

/**
 * One room as this client sees it: the snapshot from `room:join`, kept current by the room's
 * broadcasts. Versioned broadcasts are applied in order: older versions are ignored, the same
 * version again (one mutation, several events) and the next one are applied; after a gap, full-state events (queue, members, room, playback) are
 * applied anyway and `room:sync` fetches whatever else was missed (chat).
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
	notices = $state<Notice[]>([]);

	readonly isStaff = $derived(this.me?.role === 'host' || this.me?.role === 'cohost');
	/** Server time minus Date.now(), from the last snapshot: the fallback until the clock syncs. */
	#snapshotOffsetMs = 0;

	#connection: RealtimeConnection;
	#joined = false;
	#maxSeen = 0;
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
		s.on('members:updated', this.#onMembers);
		s.on('room:updated', this.#onRoom);
		s.on('playback:state', this.#onPlayback);
		s.on('chat:message', this.#onChatMessage);
		s.on('chat:deleted', this.#onChatDeleted);
		s.on('presence:updated', this.#onPresence);
		s.on('reaction:sent', this.#onReaction);
		s.on('room:removed', this.#onRemoved);
		document.addEventListener('visibilitychange', this.#onVisibility);
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
		s.off('members:updated', this.#onMembers);
		s.off('room:updated', this.#onRoom);
		s.off('playback:state', this.#onPlayback);
		s.off('chat:message', this.#onChatMessage);
		s.off('chat:deleted', this.#onChatDeleted);
		s.off('presence:updated', this.#onPresence);
		s.off('reaction:sent', this.#onReaction);
		s.off('room:removed', this.#onRemoved);
		document.removeEventListener('visibilitychange', this.#onVisibility);
	}

	can(permission: Permission): boolean {
		return this.me?.permissions.includes(permission) ?? false;
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
		this.#joined = false;
	};

	async #join() {
		clearTimeout(this.#joinTimer);
		if (this.#destroyed || this.status === 'removed') return;
		const s = this.#connection.socket;
		if (!this.#joined && this.status !== 'ready') this.status = 'joining';
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
		this.#joined = true;
		this.#syncRounds = 0;
		this.#applySnapshot(res.data, true);
		if (this.#maxSeen > this.version) void this.#sync();
		// A fresh socket counts as 'joined'; only a hidden tab has something to add.
		if (this.#visiblePresence() !== 'joined') void this.#presence(this.#visiblePresence());
	}

	/** Fetches a snapshot after a gap; one at a time, repeated while events outran it. */
	async #sync() {
		if (this.#syncing || this.#destroyed || !this.#joined) return;
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
		if (this.#maxSeen > this.version && this.#syncRounds++ < MAX_SYNC_ROUNDS) void this.#sync();
	}

	#applySnapshot(snap: RoomSnapshot, fromJoin: boolean) {
		// A sync answered after newer events were applied is older than what is shown.
		if (!fromJoin && snap.version < this.version) return;
		this.room = snap.room;
		this.me = snap.me;
		this.members = snap.members;
		this.queue = snap.queue;
		this.playback = snap.playback;
		this.playbackVersion = snap.version;
		this.chat = snap.chat;
		this.version = snap.version;
		this.#maxSeen = Math.max(this.#maxSeen, snap.version);
		this.#snapshotOffsetMs = snap.serverTime - Date.now();
		this.status = 'ready';
		this.error = null;
	}

	/**
	 * The version rule for one broadcast. `full` events carry their whole domain, so they can be
	 * applied across a gap; others (chat) cannot and wait for the sync.
	 */
	#versioned(event: { roomId: string; version: number }, full: boolean, apply: () => void) {
		if (event.roomId !== this.roomId) return;
		const v = event.version;
		// Noted even while joining: an event sent between the snapshot and its ack is newer than
		// the snapshot, and the join then syncs once more to get it.
		this.#maxSeen = Math.max(this.#maxSeen, v);
		if (!this.#joined || v < this.version) return;
		// One mutation may send several events at one version (a skip: playback and queue).
		if (v === this.version) {
			if (full) apply();
			return;
		}
		if (v === this.version + 1) {
			apply();
			this.version = v;
			return;
		}
		if (full) {
			apply();
			this.version = v;
		}
		this.#syncRounds = 0;
		void this.#sync();
	}

	#onQueue = (e: { roomId: string; version: number; queue: QueueItem[] }) =>
		this.#versioned(e, true, () => (this.queue = e.queue));

	#onMembers = (e: { roomId: string; version: number; members: RoomMemberInfo[] }) =>
		this.#versioned(e, true, () => {
			this.members = e.members;
			const mine = e.members.find((m) => m.userId === this.me?.userId);
			if (mine && this.me && this.room) {
				// Role changes arrive here; permissions follow from role and settings.
				this.me = { ...this.me, role: mine.role, mutedUntil: mine.mutedUntil };
				this.#refreshPermissions();
			}
		});

	#onRoom = (e: { roomId: string; version: number; room: RoomInfo }) =>
		this.#versioned(e, true, () => {
			this.room = e.room;
			this.#refreshPermissions();
		});

	#onPlayback = (e: {
		roomId: string;
		version: number;
		playback: PlaybackState;
		serverTime: number;
	}) =>
		this.#versioned(e, true, () => {
			this.playback = e.playback;
			this.playbackVersion = e.version;
			this.#snapshotOffsetMs = e.serverTime - Date.now();
		});

	#onChatMessage = (e: { roomId: string; version: number; message: ChatMessage }) =>
		this.#versioned(e, false, () => {
			if (this.chat.some((m) => m.id === e.message.id)) return;
			this.chat = [...this.chat, e.message].slice(-100);
		});

	#onChatDeleted = (e: { roomId: string; version: number; messageId: string }) =>
		this.#versioned(e, false, () => {
			this.chat = this.chat.filter((m) => m.id !== e.messageId);
		});

	#onPresence = (e: {
		roomId: string;
		userId: string;
		displayName: string;
		role: RoomMemberInfo['role'];
		isGuest: boolean;
		presence: PresenceStatus | null;
	}) => {
		if (e.roomId !== this.roomId || !this.#joined) return;
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

	#onReaction = (e: { roomId: string; userId: string; displayName: string; emoji: Emoji }) => {
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
		this.#joined = false;
	}

	/**
	 * Permissions are the server's to decide; between snapshots the client derives them from role
	 * and settings with the same function, so buttons appear and disappear live.
	 */
	#refreshPermissions() {
		if (!this.me || !this.room) return;
		this.me = { ...this.me, permissions: permissionsFor(this.me.role, this.room.settings) };
	}

	#visiblePresence(): PresenceStatus {
		return document.visibilityState === 'hidden' ? 'away' : 'joined';
	}

	#onVisibility = () => {
		if (this.#joined) void this.#presence(this.#visiblePresence());
	};

	async #presence(status: PresenceStatus) {
		try {
			await this.#connection.socket
				.timeout(ACK_TIMEOUT_MS)
				.emitWithAck('presence:set', { roomId: this.roomId, status });
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

	notify(message: string) {
		const id = ++this.#seq;
		this.notices = [...this.notices, { id, message }].slice(-4);
		this.#later(NOTICE_LIFETIME_MS, () => this.dismiss(id));
	}

	dismiss(id: number) {
		this.notices = this.notices.filter((n) => n.id !== id);
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
		if (!ack.ok && !quiet) this.notify(ack.error.message);
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
		return this.mutate('playback:play', {});
	}
	pause() {
		return this.mutate('playback:pause', {});
	}
	skip() {
		return this.mutate('playback:skip', {});
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
			if (!res.ok) this.notify(res.error.message);
		} catch {
			// A reaction that did not arrive in time is not worth retrying.
		}
	}
}
