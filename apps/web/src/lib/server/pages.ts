import { errorText } from '$lib/i18n/errors';
import { m } from '$lib/paraglide/messages';
// Server `load` functions and form actions call the services in $lib/server directly; the JSON
// API under /api/v1 is for other clients (eslint.config.js refuses /api/ paths in load files).
// These helpers turn the services' ApiErrors into what a page shows.
import type { SessionUser } from '@chorus/auth';
import {
	error,
	fail,
	isHttpError,
	isRedirect,
	redirect,
	type ActionFailure,
	type RequestEvent
} from '@sveltejs/kit';
import { ApiError } from './api/errors.ts';
import { logger } from './logger.ts';
import { safeRedirect } from '$lib/redirect';

export type PageEvent = Pick<RequestEvent, 'url' | 'locals'>;

const UNAVAILABLE_MESSAGE = 'The library is not answering right now. Try again shortly.';

const loginUrl = (url: URL) =>
	`/login?redirectTo=${encodeURIComponent(safeRedirect(url.pathname + url.search))}`;

/** Pages other than home need a session: send the visitor through sign-in and back. */
export function requireSignIn(event: PageEvent): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, loginUrl(event.url));
	return user;
}

function logUnexpected(event: PageEvent, err: unknown): void {
	logger('pages').error(
		{ err, requestId: event.locals.requestId, path: event.url.pathname },
		'unhandled service error'
	);
}

/**
 * Awaits a service call for a page: a refusal (4xx ApiError) becomes that error page with its
 * message; anything else is logged and shown as "not answering" (502), never as a stack.
 */
export async function orPageError<T>(event: PageEvent, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (err) {
		if (err instanceof ApiError && err.status < 500)
			error(err.status, { message: errorText(err), code: err.code });
		if (isHttpError(err) || isRedirect(err)) throw err;
		logUnexpected(event, err);
		error(502, UNAVAILABLE_MESSAGE);
	}
}

/** A service call whose failure only takes an extra off the page (logged unless a refusal). */
export async function orNull<T>(event: PageEvent, work: () => Promise<T>): Promise<T | null> {
	try {
		return await work();
	} catch (err) {
		if (!(err instanceof ApiError && err.status < 500)) logUnexpected(event, err);
		return null;
	}
}

/**
 * Runs a form action's validation and service calls: a refusal becomes
 * `fail(status, { ...context, message })`, an unexpected error is logged and a 500 failure.
 */
export async function orFail<T, C extends Record<string, unknown>>(
	event: PageEvent,
	context: C,
	work: () => Promise<T>
): Promise<T | ActionFailure<C & { message: string }>> {
	try {
		return await work();
	} catch (err) {
		if (err instanceof ApiError) return fail(err.status, { ...context, message: errorText(err) });
		if (isHttpError(err) || isRedirect(err)) throw err;
		logUnexpected(event, err);
		return fail(500, { ...context, message: m.err_INTERNAL() });
	}
}
