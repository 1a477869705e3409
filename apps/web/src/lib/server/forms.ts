import { errorText } from '$lib/i18n/errors';
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { ApiError } from './api/errors.ts';

export interface FormFailure {
	message: string;
	values: Record<string, string>;
}

// Every redirect target from a request goes through this one helper (see $lib/redirect).
export { safeRedirect } from '../redirect.ts';

/**
 * The body of a form post. One that is not a readable form (a broken multipart body, another
 * content type) is the client's mistake: 400, never a server error.
 */
export async function readForm(request: Request): Promise<FormData> {
	try {
		return await request.formData();
	} catch {
		error(400, 'The form could not be read; send it again from the page');
	}
}

/**
 * Runs a form action with the same validation and services as the JSON API. Returns a
 * `fail()` with the message and the non-secret values to refill the form, or the action's result.
 */
export async function formAction<S extends z.ZodType, R>(
	request: Request,
	schema: S,
	run: (input: z.output<S>) => Promise<R>,
	keep: string[] = []
): Promise<R | ActionFailure<FormFailure>> {
	const form = await readForm(request);
	const raw = Object.fromEntries(
		[...form.entries()].filter(([, v]) => typeof v === 'string')
	) as Record<string, string>;
	const values = Object.fromEntries(keep.map((k) => [k, raw[k] ?? '']));
	const parsed = schema.safeParse(
		Object.fromEntries(
			Object.keys(raw)
				.filter((k) => !k.startsWith('_'))
				.map((k) => [k, raw[k]])
		)
	);
	if (!parsed.success)
		return fail(400, {
			message: errorText({
				code: 'VALIDATION',
				message: parsed.error.issues[0]?.message ?? 'Invalid input'
			}),
			values
		});
	try {
		return await run(parsed.data);
	} catch (err) {
		if (err instanceof ApiError && err.status < 500)
			// The form shows it as is: in the request's language (lib/i18n/errors.ts).
			return fail(err.status, { message: errorText(err), values });
		throw err;
	}
}
