// A socket lives exactly as long as its session signs its user in: it ends on every node
// within seconds of a sign-out, a revocation, an idle or absolute expiry, or a 2FA change.
import type { SessionService } from '@chorus/auth';
import { fail, type SessionRevoked } from '@chorus/protocol';
import { sessionRoom, type ChorusSocket, type Engine } from '../engine/index.ts';

/** How often each node re-checks the sessions of its sockets (one query for all of them). */
export const SESSION_RECHECK_MS = 2_000;
/**
 * How long a revoked id is remembered: a socket whose handshake validated the session just
 * before the delete connects after the notice went by, and is caught on connection.
 */
export const RECENTLY_REVOKED_TTL_MS = 60_000;

export interface SessionWatch {
	/** Ends the socket if its session was revoked during its handshake; true if so. */
	checkNewSocket(socket: ChorusSocket): boolean;
	/** Refuses every event of a socket whose session ran out, and ends the socket. */
	guard(socket: ChorusSocket): void;
	/** Re-checks every local socket's session now (tests; also after the notice link reconnects). */
	sweep(): Promise<void>;
	stop(): void;
}

export function watchSessions(engine: Engine, sessions: SessionService): SessionWatch {
	const { io } = engine;
	const log = engine.logger('sessions');
	const recentlyRevoked = new Map<string, number>();

	function remember(sessionId: string): void {
		const now = Date.now();
		recentlyRevoked.set(sessionId, now + RECENTLY_REVOKED_TTL_MS);
		for (const [id, until] of recentlyRevoked) {
			if (until > now) break; // insertion order = expiry order
			recentlyRevoked.delete(id);
		}
	}

	/** Tells the client first, so it shows "signed out" instead of retrying a dead session. */
	function end(sessionId: string, reason: SessionRevoked['reason']): void {
		remember(sessionId);
		const room = sessionRoom(sessionId);
		io.local.to(room).emit('session:revoked', { reason });
		io.local.in(room).disconnectSockets(true);
	}

	let sweeping: Promise<void> | null = null;
	async function check(): Promise<void> {
		const bySession = new Map<string, ChorusSocket[]>();
		for (const socket of io.of('/').sockets.values()) {
			const list = bySession.get(socket.data.sessionId);
			if (list) list.push(socket);
			else bySession.set(socket.data.sessionId, [socket]);
		}
		if (bySession.size === 0) return;
		const standing = await sessions.standing([...bySession.keys()]);
		let ended = 0;
		for (const [id, s] of standing) {
			if (typeof s === 'object') {
				// Web use extends sessions: sockets follow.
				for (const socket of bySession.get(id) ?? [])
					socket.data.sessionValidUntilMs = s.validUntilMs;
			} else {
				ended++;
				end(id, s === 'expired' ? 'expired' : 'revoked');
			}
		}
		if (ended) log.info({ sessions: ended }, 'ended sockets whose session no longer signs in');
	}
	const sweep = () =>
		(sweeping ??= check()
			.catch((err: unknown) => log.warn({ err }, 'session re-check failed'))
			.finally(() => (sweeping = null)));

	engine.notices.on('sessionRevoked', (id) => end(id, 'revoked'));
	// Notices sent while the LISTEN connection was down are lost: look again.
	engine.notices.on('connected', () => check());
	const timer = setInterval(() => void sweep(), SESSION_RECHECK_MS);
	timer.unref();

	return {
		checkNewSocket(socket) {
			const until = recentlyRevoked.get(socket.data.sessionId);
			if (until === undefined || until < Date.now()) return false;
			socket.emit('session:revoked', { reason: 'revoked' });
			socket.disconnect(true);
			return true;
		},
		guard(socket) {
			// Cheap on every event: the expiry is known; the sweep catches everything else.
			socket.use(([, ...args], next) => {
				if (Date.now() < socket.data.sessionValidUntilMs) return next();
				const ack = args.at(-1);
				if (typeof ack === 'function') ack(fail('UNAUTHENTICATED', 'Your session has expired'));
				end(socket.data.sessionId, 'expired');
			});
		},
		sweep,
		stop: () => clearInterval(timer)
	};
}
