import { awaitingSecondFactor, SESSION_COOKIE_NAME } from '@chorus/auth';
import { redactUrl, requestIdFrom } from '@chorus/ops';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env as publicEnv } from '$env/dynamic/public';
import { adminGate } from '$lib/server/admin/gate';
import { startGuestCleanup, stopGuestCleanup } from '$lib/server/admin/guests';
import { ApiError } from '$lib/server/api/errors';
import { errorResponse } from '$lib/server/api/http';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { guestGate } from '$lib/server/auth/guest-gate';
import { getProviders } from '$lib/server/auth/oauth/providers';
import { originAllowed } from '$lib/server/csrf';
import { applySecurityHeaders } from '$lib/server/security-headers';
import { closeConnections, getSessions } from '$lib/server/db';
import { getEnv } from '$lib/server/env';
import { i18n } from '$lib/server/i18n';
import { logger } from '$lib/server/logger';
import { observeRequest } from '$lib/server/metrics';
import { waitForRedis } from '$lib/server/redis';
import { startProcessingWorker, stopProcessingWorker } from '$lib/server/library/processing';
import { ffmpegPath } from '$lib/server/media/ffmpeg';
import { registerRoomTrackAccess } from '$lib/server/rooms/access';

/**
 * Before the first request: validate the environment (a misconfigured server never starts) and
 * open Redis, so the first health check or rate-limited request does not race its connection.
 */
export const init: ServerInit = async () => {
	const env = getEnv();
	// Every upload is decoded to be validated: without ffmpeg (FFMPEG_PATH or PATH) the server
	// would turn every file away, so it does not start and says why.
	logger('media').info({ ffmpeg: ffmpegPath() }, 'ffmpeg found');
	await waitForRedis();
	registerRoomTrackAccess();
	if (env.MEDIA_WORKER) startProcessingWorker();
	startGuestCleanup();
	// adapter-node emits this after the HTTP server closed on SIGTERM/SIGINT; open pools would
	// otherwise keep the process alive until it is killed.
	process.once('sveltekit:shutdown', () => {
		stopProcessingWorker();
		stopGuestCleanup();
		void closeConnections();
	});
};

/**
 * The request id (the proxy's X-Request-Id, or a fresh one) on the response and on one access
 * line per request, and the request's duration by route id and status for /metrics. Query
 * values and route parameters that look like credentials (invite tokens) are not logged.
 */
const access: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	event.locals.requestId = requestIdFrom(event.request.headers.get('x-request-id'));
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	const seconds = (performance.now() - started) / 1000;
	observeRequest(event.request.method, event.route.id, response.status, seconds);
	logger('http').info(
		{
			requestId: event.locals.requestId,
			method: event.request.method,
			url: redactUrl(event.url, event.params as Record<string, string>),
			route: event.route.id,
			status: response.status,
			ms: +(seconds * 1000).toFixed(2),
			userId: event.locals.user?.id
		},
		'request'
	);
	return response;
};

const originCheck: Handle = async ({ event, resolve }) => {
	if (!originAllowed(event.request, event.url.origin)) {
		// One shape for pages, form actions and the API alike.
		return errorResponse(
			new ApiError(403, 'FORBIDDEN', 'Cross-site or origin-less requests are not allowed')
		);
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
	applySecurityHeaders(response.headers, {
		appOrigin: event.url.origin,
		realtimeUrl: publicEnv.PUBLIC_REALTIME_URL,
		formTargets: [...getProviders().values()].map((p) => p.authorizeUrl)
	});
	return response;
};

export const handle = sequence(
	access,
	securityHeaders,
	originCheck,
	auth,
	i18n,
	guestGate,
	adminGate
);

/**
 * What an error page shows: never the error itself, but the request id, the key to this
 * request's log lines (and the `x-request-id` header of the same response).
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const requestId = event.locals.requestId;
	if (status === 404) return { message, code: 'NOT_FOUND', requestId };
	logger('http').error({ err: error, requestId, path: event.url.pathname }, 'unhandled error');
	return { message: 'Something went wrong', code: 'INTERNAL', requestId };
};
