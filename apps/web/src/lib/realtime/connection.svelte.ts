import { getContext, setContext } from 'svelte';
import { ClockSync } from './clock.svelte';
import { connectRealtime, type RealtimeSocket } from './socket';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused';

/** The signed-in user's live connection to the realtime service. */
export class RealtimeConnection {
	status = $state<ConnectionStatus>('connecting');
	error = $state<string | null>(null);
	devices = $state(0);
	readonly socket: RealtimeSocket;
	readonly clock: ClockSync;

	constructor(url: string) {
		this.socket = connectRealtime(url);
		this.clock = new ClockSync(this.socket);
		this.socket.on('connect', () => {
			this.status = 'connected';
			this.error = null;
		});
		this.socket.on('disconnect', () => {
			if (this.status !== 'refused') this.status = 'reconnecting';
		});
		this.socket.on('connect_error', (err) => {
			const data = (err as Error & { data?: { code?: string; message?: string } }).data;
			this.error = data?.message ?? err.message;
			// An auth refusal will not fix itself by retrying; a network error might.
			if (data?.code === 'UNAUTHENTICATED') {
				this.status = 'refused';
				this.socket.disconnect();
			} else {
				this.status = 'reconnecting';
			}
		});
		this.socket.on('devices:state', ({ connections }) => (this.devices = connections));
		// Signed out elsewhere (sessions page, password change, account deletion): the server
		// closes this socket next; show the sign-in page now rather than a dead app.
		this.socket.on('session:revoked', ({ reason }) => {
			this.status = 'refused';
			this.error = reason === 'expired' ? 'Your session expired' : 'You were signed out';
			this.socket.disconnect();
			// An expired session comes back to this page after signing in; a sign-out does not.
			const back = location.pathname + location.search;
			const resume = reason === 'expired' && back !== '/';
			location.assign(resume ? `/login?redirectTo=${encodeURIComponent(back)}` : '/login');
		});
	}

	destroy() {
		this.clock.destroy();
		this.socket.disconnect();
	}
}

const KEY = Symbol('realtime');
export const setRealtime = (get: () => RealtimeConnection | null) => setContext(KEY, get);
export const getRealtime = () =>
	getContext<(() => RealtimeConnection | null) | undefined>(KEY)?.() ?? null;
