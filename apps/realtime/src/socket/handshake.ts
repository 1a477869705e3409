import type { SessionService } from '@chorus/auth';
import { awaitingSecondFactor, SESSION_COOKIE_NAME } from '@chorus/auth';
import type { ErrorCode } from '@chorus/protocol';
import { parse as parseCookie } from 'cookie';
import type { IncomingMessage } from 'node:http';
import type { ExtendedError } from 'socket.io';
import type { Logger } from '../logger.ts';
import type { ChorusSocket } from '../engine/index.ts';

function connectError(code: ErrorCode, message: string): ExtendedError {
	const err: ExtendedError = new Error(message);
	err.data = { code, message };
	return err;
}

/**
 * Cross-site WebSocket hijacking guard. Browsers always send Origin on cross-origin requests,
 * so an allow-list on it stops other sites from using a visitor's cookie. A request without
 * Origin is not a cross-site browser request (same-origin polling GETs, native clients).
 */
export function originAllowed(allowed: ReadonlySet<string>) {
	return (
		req: IncomingMessage,
		callback: (err: string | null | undefined, success: boolean) => void
	) => {
		const origin = req.headers.origin;
		callback(null, origin === undefined || allowed.has(origin));
	};
}

/** Authenticates the handshake with the same session cookie the web app issues. */
export function sessionMiddleware(sessions: SessionService, log: Logger) {
	return async (socket: ChorusSocket, next: (err?: ExtendedError) => void) => {
		const cookies = parseCookie(socket.request.headers.cookie ?? '');
		const token = cookies[SESSION_COOKIE_NAME];
		if (!token) return next(connectError('UNAUTHENTICATED', 'Sign in to connect'));
		try {
			const result = await sessions.validate(token);
			if (!result) return next(connectError('UNAUTHENTICATED', 'Your session has expired'));
			// A password alone does not sign a 2FA account in, here as on the web.
			if (awaitingSecondFactor(result))
				return next(connectError('UNAUTHENTICATED', 'Finish signing in with your code'));
			socket.data = {
				userId: result.user.id,
				sessionId: result.session.id,
				sessionValidUntilMs: sessions.validUntilMs(result.session),
				displayName: result.user.displayName,
				isGuest: result.user.isGuest,
				rooms: {}
			};
			next();
		} catch (err) {
			log.error({ err }, 'handshake session lookup failed');
			next(connectError('UNAVAILABLE', 'Service temporarily unavailable'));
		}
	};
}
