import type { ClientToServerEvents, PlaybackState, ServerToClientEvents } from '@chorus/protocol';
import type { BrowserContext, Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';

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

type HostSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The host's remote control over the realtime protocol (what the host's own page sends), so a
 * test can issue exact commands — a seek to a given position — independent of the UI.
 */
export class RoomRemote {
	private constructor(
		private readonly socket: HostSocket,
		readonly roomId: string
	) {}

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
		return remote;
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
		const res = await this.socket
			.timeout(10_000)
			.emitWithAck(event, { roomId: this.roomId, mutationId: this.#mutationId() });
		if (!res.ok) throw new Error(`${event}: ${res.error.code} ${res.error.message}`);
		return res.data.playback;
	}

	async seek(positionMs: number): Promise<PlaybackState> {
		const res = await this.socket.timeout(10_000).emitWithAck('playback:seek', {
			roomId: this.roomId,
			mutationId: this.#mutationId(),
			positionMs
		});
		if (!res.ok) throw new Error(`playback:seek: ${res.error.code} ${res.error.message}`);
		return res.data.playback;
	}

	close(): void {
		this.socket.close();
	}
}
