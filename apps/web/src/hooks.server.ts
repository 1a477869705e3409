import { awaitingSecondFactor, SESSION_COOKIE_NAME } from '@chorus/auth';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { randomUUID } from 'node:crypto';
import { ApiError } from '$lib/server/api/errors';
import { errorResponse } from '$lib/server/api/http';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { closeConnections, getSessions } from '$lib/server/db';
import { getEnv } from '$lib/server/env';
import { logger } from '$lib/server/logger';
import { waitForRedis } from '$lib/server/redis';
import { startProcessingWorker, stopProcessingWorker } from '$lib/server/library/processing';
import { registerRoomTrackAccess } from '$lib/server/rooms/access';

/**
 * Before the first request: validate the environment (a misconfigured server never starts) and
 * open Redis, so the first health check or rate-limited request does not race its connection.
 */
export const init: ServerInit = async () => {
	const env = getEnv();
	await waitForRedis();
	registerRoomTrackAccess();
	if (env.MEDIA_WORKER) startProcessingWorker();
	// adapter-node emits this after the HTTP server closed on SIGTERM/SIGINT; open pools would
	// otherwise keep the process alive until it is killed.
	process.once('sveltekit:shutdown', () => {
		stopProcessingWorker();
		void closeConnections();
	});
};

const requestId: Handle = async ({ event, resolve }) => {
	const incoming = event.request.headers.get('x-request-id');
	event.locals.requestId = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	return response;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF for every state-changing request (forms and the JSON API): a browser always sends Origin
 * and Sec-Fetch-Site on cross-site requests; clients without them are not browsers, and a cookie
 * alone cannot be abused by them.
 */
const originCheck: Handle = async ({ event, resolve }) => {
	const { request, url } = event;
	if (!SAFE_METHODS.has(request.method)) {
		const origin = request.headers.get('origin');
		const site = request.headers.get('sec-fetch-site');
		if ((origin && origin !== url.origin) || (site && site !== 'same-origin' && site !== 'none')) {
			const message = 'Cross-site requests are not allowed';
			if (url.pathname.startsWith('/api/')) {
				return errorResponse(new ApiError(403, 'FORBIDDEN', message));
			}
			return new Response(message, { status: 403, headers: { 'content-type': 'text/plain' } });
		}
	}
	return resolve(event);
};

const auth: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.pendingTwoFactor = null;
	const token = event.cookies.get(SESSION_COOKIE_NAME);
	if (token) {
		const result = await getSessions().validate(token);
		if (result) {
			// A 2FA account that gave only its password is not signed in: the session (and its
			// cookie) may only finish signing in at /login/two-factor.
			if (awaitingSecondFactor(result)) {
				event.locals.pendingTwoFactor = { user: result.user, session: result.session };
			} else {
				event.locals.user = result.user;
				event.locals.session = result.session;
			}
			if (result.extended) setSessionCookie(event.cookies, token, result.session.expiresAt);
		} else {
			clearSessionCookie(event.cookies);
		}
	}
	return resolve(event);
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	if (!response.headers.has('x-frame-options')) response.headers.set('x-frame-options', 'DENY');
	return response;
};

export const handle = sequence(requestId, securityHeaders, originCheck, auth);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message, code: 'NOT_FOUND' };
	logger('http').error(
		{ err: error, requestId: event.locals.requestId, path: event.url.pathname },
		'unhandled error'
	);
	return { message: 'Something went wrong', code: 'INTERNAL', requestId: event.locals.requestId };
};
