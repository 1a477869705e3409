// Delivers broadcasts: to a room's sockets on every node (through the adapter), to all sockets
// of one user, or pulls a user's sockets out of a room.
import type { ServerToClientEvents } from '@chorus/protocol';
import type { Metrics } from '../metrics.ts';
import { roomKey, userRoom, type ChorusServer } from './types.ts';

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

export class Fanout {
	readonly #io: ChorusServer;
	readonly #metrics: Metrics;

	constructor(io: ChorusServer, metrics: Metrics) {
		this.#io = io;
		this.#metrics = metrics;
	}

	/** Counts a broadcast and the sockets it reaches here (each node counts its own). */
	#count(event: string, ioRoom: string): void {
		this.#metrics.broadcast(event, this.#io.of('/').adapter.rooms.get(ioRoom)?.size ?? 0);
	}

	toRoom<E extends keyof ServerToClientEvents>(roomId: string, event: E, ...args: Args<E>): void {
		this.#count(event, roomKey(roomId));
		this.#io.to(roomKey(roomId)).emit(event, ...args);
	}

	/** To the room except the sockets of one user (who get their own copy). */
	toRoomExcept<E extends keyof ServerToClientEvents>(
		roomId: string,
		userId: string,
		event: E,
		...args: Args<E>
	): void {
		this.#count(event, roomKey(roomId));
		this.#io
			.to(roomKey(roomId))
			.except(userRoom(userId))
			.emit(event, ...args);
	}

	/** Fire-and-forget to the room: dropped for clients that are not ready, never queued. */
	volatileToRoom<E extends keyof ServerToClientEvents>(
		roomId: string,
		event: E,
		...args: Args<E>
	): void {
		this.#count(event, roomKey(roomId));
		this.#io.to(roomKey(roomId)).volatile.emit(event, ...args);
	}

	toUser<E extends keyof ServerToClientEvents>(userId: string, event: E, ...args: Args<E>): void {
		this.#count(event, userRoom(userId));
		this.#io.to(userRoom(userId)).emit(event, ...args);
	}

	/** Pulls every socket of the user, on every node, out of the room. */
	evict(roomId: string, userId: string): void {
		this.#io.in(userRoom(userId)).socketsLeave(roomKey(roomId));
	}
}
