// Types every layer shares. The engine defines them; sockets and slices import them.
import type { Db, Prisma } from '@chorus/db';
import type {
	ClientToServerEvents,
	InterServerEvents,
	ServerToClientEvents,
	SocketData
} from '@chorus/protocol';
import type { Server, Socket } from 'socket.io';

export type ChorusServer = Server<
	ClientToServerEvents,
	ServerToClientEvents,
	InterServerEvents,
	SocketData
>;
export type ChorusSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	InterServerEvents,
	SocketData
>;

/** A transaction client or the root client: reads work on both. */
export type Tx = Prisma.TransactionClient | Db;

/** Who sent a command; always taken from socket.data, never from the payload. */
export interface Actor {
	userId: string;
}

/** A per-key budget of events (the socket layer's rate limiter implements it). */
export interface EventBudget {
	/** Throws RATE_LIMITED when `key` is over its budget. */
	consume(key: string, cost?: number): Promise<void>;
}

/** Socket.IO rooms: one per room, one per user (all their sockets), one per session. */
export const roomKey = (roomId: string) => `room:${roomId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/** Deployment settings slices read when they start (app.ts fills them from the env). */
export interface SliceConfig {
	/** A playing room nobody listens to pauses after this long; 0 = never. */
	idlePauseMs: number;
}
