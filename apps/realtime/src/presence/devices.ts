import type { Logger } from '../logger.ts';
import type { ChorusServer, ChorusSocket } from '../lib/handler.ts';

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Tells every socket of a user how many sockets that user has open, across all nodes
 * (fetchSockets goes through the adapter, so with Redis it counts every node).
 */
async function publishDevices(
	io: ChorusServer,
	userId: string,
	log: Logger,
	peersReachable: () => boolean
): Promise<void> {
	try {
		// While Redis is down only this node can be counted (and asking would queue forever).
		const sockets = peersReachable()
			? await io.in(userRoom(userId)).fetchSockets()
			: await io.local.in(userRoom(userId)).fetchSockets();
		io.to(userRoom(userId)).emit('devices:state', { connections: sockets.length });
	} catch (err) {
		log.warn({ err }, 'could not count user sockets');
	}
}

export function registerPresence(
	io: ChorusServer,
	socket: ChorusSocket,
	log: Logger,
	peersReachable: () => boolean
): void {
	const { userId, sessionId } = socket.data;
	// Rooms let later features reach a user or one session on every node (revocation, DMs).
	void socket.join([userRoom(userId), sessionRoom(sessionId)]);
	void publishDevices(io, userId, log, peersReachable);
	socket.on('disconnect', (reason) => {
		// On shutdown every socket goes at once and Redis is about to close: nothing to tell.
		if (reason === 'server shutting down') return;
		void publishDevices(io, userId, log, peersReachable);
	});
}
