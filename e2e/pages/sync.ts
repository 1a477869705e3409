import type { ClientToServerEvents, PlaybackState, ServerToClientEvents } from '@chorus/protocol';
import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { SAME_ORIGIN } from '../fixtures.ts';
import { REALTIME_URL } from '../target.ts';

/** What `globalThis.__chorusRoomPlayer.sample()` returns (apps/web RoomPlayer). */
export interface PlayerSample {
	/** The page's wall clock (performance.timeOrigin + performance.now()). */
	wallMs: number;
	serverMs: number | null;
	itemId: string | null;
	/** The audio element's position; null when no audio plays. */
	positionMs: number | null;
	expectedMs: number | null;
	rate: number;
	status: string;
}

/**
 * Installs, before any app code, a recorder of every playbackRate the page's media elements are
 * given: a rate outside the bounds between two samples would otherwise go unseen.
 */
export async function recordPlaybackRates(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const log = { min: 1, max: 1 };
		(globalThis as { __chorusRates?: typeof log }).__chorusRates = log;
		const proto = HTMLMediaElement.prototype;
		const rate = Object.getOwnPropertyDescriptor(proto, 'playbackRate')!;
		Object.defineProperty(proto, 'playbackRate', {
			configurable: true,
			get(this: HTMLMediaElement) {
				return rate.get!.call(this) as number;
			},
			set(this: HTMLMediaElement, v: number) {
				log.min = Math.min(log.min, v);
				log.max = Math.max(log.max, v);
				rate.set!.call(this, v);
			}
		});
	});
}

/** A room page's RoomPlayer, read through its sampling hook. */
export class RoomPlayerProbe {
	constructor(readonly page: Page) {}

	async sample(): Promise<PlayerSample | null> {
		const s = await this.page.evaluate(
			() =>
				(
					globalThis as { __chorusRoomPlayer?: { sample(): unknown } }
				).__chorusRoomPlayer?.sample() ?? null
		);
		return s as PlayerSample | null;
	}

	/** The lowest and highest playbackRate the page ever set (see recordPlaybackRates). */
	async rateRange(): Promise<{ min: number; max: number }> {
		return this.page.evaluate(
			() =>
				(globalThis as { __chorusRates?: { min: number; max: number } }).__chorusRates ?? {
					min: NaN,
					max: NaN
				}
		);
	}
}

/**
 * How far apart two playing listeners are: both positions carried to the same wall instant
 * (every browser context here shares the machine's clock, so this needs no clock estimate).
 * Null unless both play the same item.
 */
export function apartMs(a: PlayerSample | null, b: PlayerSample | null): number | null {
	if (!a || !b || a.positionMs === null || b.positionMs === null) return null;
	if (!a.itemId || a.itemId !== b.itemId) return null;
	const t = Math.max(a.wallMs, b.wallMs);
	const at = (s: PlayerSample) => s.positionMs! + (t - s.wallMs) * s.rate;
	return Math.abs(at(a) - at(b));
}

/** A room created through the API by the request context's user, and an invite link's token. */
export async function createRoomWithInvite(request: APIRequestContext, name: string) {
	const created = await request.post('/api/v1/rooms', { data: { name }, headers: SAME_ORIGIN });
	expect(created.status(), await created.text()).toBe(201);
	const { room } = (await created.json()) as { room: { id: string } };
	const invited = await request.post(`/api/v1/rooms/${room.id}/invites`, {
		data: {},
		headers: SAME_ORIGIN
	});
	expect(invited.status(), await invited.text()).toBe(201);
	const { invite } = (await invited.json()) as { invite: { token: string } };
	return { roomId: room.id, token: invite.token };
}

/** Joins `context` to the invite's room as a guest named `name`. */
export async function acceptInvite(context: BrowserContext, token: string, name: string) {
	const res = await context.request.post(`/api/v1/invites/${encodeURIComponent(token)}/accept`, {
		data: { displayName: name },
		headers: SAME_ORIGIN
	});
	expect(res.status(), `accepting the invite as ${name}: ${await res.text()}`).toBe(200);
}

type HostSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The host's remote control over the realtime protocol (what the host's own page sends), so a
 * test can issue exact commands — a seek to a given position — independent of the UI.
 */
export class RoomRemote {
	/** The latest timeline this remote saw: playback commands are based on it. */
	#seen = 0;

	private constructor(
		private readonly socket: HostSocket,
		readonly roomId: string
	) {
		socket.on('playback:state', (e) => {
			if (e.roomId === roomId) this.#seen = Math.max(this.#seen, e.version);
		});
	}

	static async connect(opts: {
		realtimeUrl: string;
		origin: string;
		cookie: string;
		roomId: string;
	}): Promise<RoomRemote> {
		const socket: HostSocket = io(opts.realtimeUrl, {
			extraHeaders: { cookie: opts.cookie, origin: opts.origin },
			transports: ['websocket'],
			reconnection: false,
			forceNew: true
		});
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', (err) => reject(err));
		});
		const remote = new RoomRemote(socket, opts.roomId);
		const res = await socket.timeout(10_000).emitWithAck('room:join', { roomId: opts.roomId });
		if (!res.ok) throw new Error(`room:join: ${res.error.code} ${res.error.message}`);
		remote.#seen = Math.max(remote.#seen, res.data.version);
		return remote;
	}

	/** The remote of the user signed in on `page` (its session cookie), on the realtime service under test. */
	static async forPage(page: Page, baseURL: string, roomId: string): Promise<RoomRemote> {
		const cookies = await page.context().cookies();
		return RoomRemote.connect({
			realtimeUrl: REALTIME_URL,
			origin: new URL(baseURL).origin,
			cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
			roomId
		});
	}

	#mutationId = () => `e2e-${randomBytes(6).toString('hex')}`;

	async queue(trackId: string): Promise<void> {
		const res = await this.socket
			.timeout(10_000)
			.emitWithAck('queue:add', { roomId: this.roomId, mutationId: this.#mutationId(), trackId });
		if (!res.ok) throw new Error(`queue:add: ${res.error.code} ${res.error.message}`);
	}

	async command(
		event: 'playback:play' | 'playback:pause' | 'playback:skip'
	): Promise<PlaybackState> {
		const res = await this.socket.timeout(10_000).emitWithAck(event, {
			roomId: this.roomId,
			mutationId: this.#mutationId(),
			basedOnVersion: this.#seen
		});
		if (!res.ok) throw new Error(`${event}: ${res.error.code} ${res.error.message}`);
		this.#seen = Math.max(this.#seen, res.data.version);
		return res.data.playback;
	}

	async seek(positionMs: number): Promise<PlaybackState> {
		const res = await this.socket.timeout(10_000).emitWithAck('playback:seek', {
			roomId: this.roomId,
			mutationId: this.#mutationId(),
			basedOnVersion: this.#seen,
			positionMs
		});
		if (!res.ok) throw new Error(`playback:seek: ${res.error.code} ${res.error.message}`);
		this.#seen = Math.max(this.#seen, res.data.version);
		return res.data.playback;
	}

	close(): void {
		this.socket.close();
	}
}

/** What the page sees when its tab is hidden or shown again (headless tabs are always visible). */
export async function setVisibility(page: Page, state: 'hidden' | 'visible') {
	await page.evaluate((state) => {
		Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
		Object.defineProperty(document, 'hidden', {
			configurable: true,
			get: () => state === 'hidden'
		});
		document.dispatchEvent(new Event('visibilitychange'));
	}, state);
}

/**
 * Holds back the realtime service's answer to this page's `room:join` until `release()`, while
 * everything else the server sends passes: what a member sees when broadcasts overtake the
 * join's snapshot (the socket is in the room before the snapshot is read and answered).
 */
export async function holdJoinAnswer(page: Page) {
	let markHeld!: () => void;
	const held = new Promise<void>((resolve) => (markHeld = resolve));
	let release!: () => void;
	const released = new Promise<void>((resolve) => (release = resolve));
	const passed: string[] = [];
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		const server = ws.connectToServer();
		let joinAckId: string | null = null;
		ws.onMessage((message) => {
			// Socket.IO's text packets: `42<ackId>[event, payload]` asks, `43<ackId>[answer]` answers.
			const join = typeof message === 'string' && /^42(\d+)\["room:join"/.exec(message);
			if (join && joinAckId === null) joinAckId = join[1]!;
			server.send(message);
		});
		server.onMessage((message) => {
			if (
				joinAckId !== null &&
				typeof message === 'string' &&
				message.startsWith(`43${joinAckId}[`)
			) {
				markHeld();
				void released.then(() => ws.send(message));
				return;
			}
			if (typeof message === 'string') passed.push(message);
			ws.send(message);
		});
	});
	return {
		/** Resolves once the join's answer arrived and is being held. */
		held,
		release,
		/** Waits until a message the page got (not held) matches. */
		async passes(pattern: RegExp) {
			await expect.poll(() => passed.some((m) => pattern.test(m))).toBe(true);
		}
	};
}
