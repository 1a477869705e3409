import type { PresenceStatus } from '@chorus/protocol';
import { untrack } from 'svelte';
import { player as soloPlayer } from '$lib/player/player.svelte';
import { RoomPlayer } from '$lib/player/room-player.svelte';
import type { RealtimeConnection } from './connection.svelte';
import { RoomState } from './room.svelte';
import { SyncReports } from './sync-reports.svelte';

/**
 * One open room page: the room's state, its audio on this device, the shared sync figures and
 * this member's presence, wired together in one place. The page renders it and nothing else.
 */
export class RoomSession {
	readonly state: RoomState;
	readonly player: RoomPlayer;
	readonly reports: SyncReports;
	readonly connection: RealtimeConnection;

	#hidden = $state(typeof document !== 'undefined' && document.visibilityState === 'hidden');
	/**
	 * The one source of this member's presence: listening while the room's audio plays here
	 * (a locked phone still plays: the room must not pause on it), else away while the tab is
	 * hidden, joined otherwise (following as a remote).
	 */
	get presence(): PresenceStatus {
		if (this.player.status === 'playing') return 'listening';
		return this.#hidden ? 'away' : 'joined';
	}
	readonly #stop: () => void;

	constructor(connection: RealtimeConnection, roomId: string) {
		this.connection = connection;
		this.state = new RoomState(connection, roomId);
		this.player = new RoomPlayer(connection.clock);
		this.reports = new SyncReports(connection.socket, roomId, this.player, connection.clock);
		document.addEventListener('visibilitychange', this.#onVisibility);
		this.#stop = $effect.root(() => {
			$effect(() => {
				const playback = this.state.playback;
				const version = this.state.playbackVersion;
				// untrack: apply() reads and writes the player's own state, which must not re-run this.
				if (playback) untrack(() => this.player.apply(playback, version));
			});
			$effect(() => {
				const next = this.state.queue[0]?.track.streamUrl ?? null;
				untrack(() => this.player.preload(next));
			});
			// One thing plays at a time: the room's audio stops the solo player.
			$effect(() => {
				if (this.player.status === 'playing' && soloPlayer.playing) soloPlayer.pause();
			});
			$effect(() => {
				const status = this.presence;
				untrack(() => this.state.setPresence(status));
			});
		});
	}

	#onVisibility = () => {
		this.#hidden = document.visibilityState === 'hidden';
	};

	destroy() {
		this.#stop();
		document.removeEventListener('visibilitychange', this.#onVisibility);
		this.reports.destroy();
		this.player.destroy();
		this.state.destroy();
	}
}
