import type { AckCallback } from './ack.ts';
import type { ClockPing, ClockPong, DevicesState } from './schemas.ts';

/** Commands: `domain:verb`, always with an ack. */
export interface ClientToServerEvents {
	'clock:ping': (payload: ClockPing, ack: AckCallback<ClockPong>) => void;
}

/** Broadcasts: `domain:past-tense` or `domain:state`. */
export interface ServerToClientEvents {
	'devices:state': (payload: DevicesState) => void;
}

export type InterServerEvents = Record<string, never>;

/** Set by the handshake middleware; handlers authorize from this, never from payload ids. */
export interface SocketData {
	userId: string;
	sessionId: string;
	displayName: string;
}

export const CLIENT_EVENTS = [
	'clock:ping'
] as const satisfies readonly (keyof ClientToServerEvents)[];

/** Machine-readable reasons carried in `connect_error.data.code`. */
export const CONNECT_ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL'] as const;
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];
