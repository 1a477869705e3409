import type { SyncReported } from '@chorus/protocol';
import { SvelteMap } from 'svelte/reactivity';
import type { RoomPlayer } from '$lib/player/room-player.svelte';
import type { ClockSync } from './clock.svelte';
import type { RealtimeSocket } from './socket';

/** How often each listener shares its sync figures with the room. */
export const SYNC_REPORT_INTERVAL_MS = 2_000;
/** A member whose last report is older than this is shown as unknown. */
const REPORT_STALE_MS = 7_000;

/** "good" when every listener is within 20 ms of the timeline, "fair" within 60 ms. */
export type SyncHealth = 'good' | 'fair' | 'poor' | 'unknown';
export const healthOf = (driftMs: number | null): SyncHealth =>
	driftMs === null
		? 'unknown'
		: Math.abs(driftMs) <= 20
			? 'good'
			: Math.abs(driftMs) <= 60
				? 'fair'
				: 'poor';

/** Shares this device's sync figures and collects everyone else's (volatile, latest wins). */
export class SyncReports {
	readonly byUser = new SvelteMap<string, SyncReported & { receivedAt: number }>();
	#now = $state(Date.now());
	readonly #socket: RealtimeSocket;
	readonly #roomId: string;
	readonly #timer: ReturnType<typeof setInterval>;

	constructor(socket: RealtimeSocket, roomId: string, player: RoomPlayer, clock: ClockSync) {
		this.#socket = socket;
		this.#roomId = roomId;
		socket.on('sync:reported', this.#onReport);
		this.#timer = setInterval(() => {
			this.#now = Date.now();
			if (!socket.connected) return;
			socket.emit(
				'sync:report',
				{
					roomId,
					driftMs: player.driftMs,
					offsetMs: clock.offsetMs,
					rttMs: clock.rttMs === null ? null : Math.min(clock.rttMs, 60_000),
					listening: player.listening
				},
				() => {}
			);
		}, SYNC_REPORT_INTERVAL_MS);
	}

	#onReport = (report: SyncReported) => {
		if (report.roomId !== this.#roomId) return;
		this.byUser.set(report.userId, { ...report, receivedAt: Date.now() });
	};

	/** Fresh reports only. */
	get current(): (SyncReported & { receivedAt: number })[] {
		return [...this.byUser.values()].filter((r) => this.#now - r.receivedAt < REPORT_STALE_MS);
	}

	/** The room's health: the worst fresh drift among members playing audio. */
	get health(): SyncHealth {
		const drifts = this.current.filter((r) => r.listening && r.driftMs !== null);
		if (drifts.length === 0) return 'unknown';
		return healthOf(Math.max(...drifts.map((r) => Math.abs(r.driftMs!))));
	}

	destroy(): void {
		clearInterval(this.#timer);
		this.#socket.off('sync:reported', this.#onReport);
	}
}
