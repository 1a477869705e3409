import type { ClientToServerEvents, ServerToClientEvents } from '@chorus/protocol';
import { io, type Socket } from 'socket.io-client';

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** localStorage key that points this browser at another realtime address on the same host. */
export const REALTIME_OVERRIDE_KEY = 'chorus.realtimeUrl';

/**
 * Lets a test or benchmark route one browser through a proxy (e.g. one adding latency) without
 * changing the deployment. Only same-host addresses count, so nothing can send a session's
 * socket elsewhere.
 */
function override(): string | null {
	try {
		const value = localStorage.getItem(REALTIME_OVERRIDE_KEY);
		if (!value) return null;
		return new URL(value).hostname === location.hostname ? value : null;
	} catch {
		return null;
	}
}

/**
 * Same origin by default (nginx / the Vite proxy route /socket.io); a URL for split deployments.
 *
 * WebSocket first (no polling round trips for a working network), and HTTP long-polling when the
 * WebSocket cannot open: phone carriers, hotel Wi-Fi and some proxies refuse the upgrade.
 * `tryAllTransports` moves on to polling within the same attempt instead of retrying the
 * WebSocket forever.
 */
export function connectRealtime(url: string): RealtimeSocket {
	const options = {
		withCredentials: true,
		transports: ['websocket', 'polling'],
		tryAllTransports: true
	};
	const target = override() ?? url;
	return target ? io(target, options) : io(options);
}
