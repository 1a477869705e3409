import { errorText } from '$lib/i18n/errors';
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { formAction } from '../forms.ts';
import { requireAdmin, type Actor } from './roles.ts';

/** For admin page loads: the sign-in page for anonymous visitors, the 403 page for the rest. */
export async function adminForPage(event: Pick<RequestEvent, 'locals' | 'url'>): Promise<Actor> {
	try {
		return await requireAdmin(event.locals.user);
	} catch (err) {
		if (!(err instanceof ApiError)) throw err;
		if (err.status === 401)
			redirect(
				303,
				`/login?redirectTo=${encodeURIComponent(event.url.pathname + event.url.search)}`
			);
		error(403, { message: 'Only instance admins can see this page', code: 'FORBIDDEN' });
	}
}

/**
 * An admin form action: the admin check first (a layout load does not guard actions), then the
 * same validation and services as the API; failures come back as `{ message, values }`.
 */
export function adminAction<S extends z.ZodType, R>(
	schema: S,
	run: (actor: Actor, input: z.output<S>, event: RequestEvent) => Promise<R>
) {
	return async (event: RequestEvent) => {
		let actor: Actor;
		try {
			actor = await requireAdmin(event.locals.user);
		} catch (err) {
			if (err instanceof ApiError) return fail(err.status, { message: errorText(err), values: {} });
			throw err;
		}
		return formAction(event.request, schema, (input) => run(actor, input, event));
	};
}
