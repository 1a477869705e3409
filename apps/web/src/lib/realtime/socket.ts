import type { ClientToServerEvents, ServerToClientEvents } from '@chorus/protocol';
import { io, type Socket } from 'socket.io-client';

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Same origin by default (nginx / the Vite proxy route /socket.io); a URL for split deployments. */
export function connectRealtime(url: string): RealtimeSocket {
	const options = { withCredentials: true, transports: ['websocket', 'polling'] };
	return url ? io(url, options) : io(options);
}
