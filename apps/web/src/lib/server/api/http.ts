import { json, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { logger } from '../logger.ts';
import { ApiError } from './errors.ts';

export function errorResponse(err: ApiError): Response {
	const body = {
		error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) }
	};
	return json(body, { status: err.status, headers: err.headers });
}

export function zodIssues(error: z.ZodError) {
	return error.issues.map((i) => ({
		path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
		message: i.message
	}));
}

/** Reads a whole (small) body, refusing with 413 past `maxBytes` without buffering more. */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
	const tooLarge = () =>
		new ApiError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes`);
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
	if (!request.body) return Buffer.alloc(0);
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
		size += chunk.byteLength;
		if (size > maxBytes) throw tooLarge();
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

const MAX_JSON_BYTES = 64 * 1024;

/** Reads a JSON body: 415 for another media type, 400 for malformed JSON or a schema mismatch. */
export async function readJson<S extends z.ZodType>(
	request: Request,
	schema: S
): Promise<z.output<S>> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/json\s*(;|$)/i.test(type)) {
		throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
	}
	const raw = await readBody(request, MAX_JSON_BYTES);
	let body: unknown;
	try {
		body = JSON.parse(raw.toString('utf8'));
	} catch {
		throw new ApiError(400, 'VALIDATION', 'The body is not valid JSON');
	}
	return parseInput(schema, body);
}

/**
 * Validates input with the schema the JSON API uses for it: a 400 `ApiError` naming the first
 * issue on failure. Routes and server loads/actions both validate through here, so a page and its
 * API route accept and refuse the same input with the same message.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		const first = parsed.error.issues[0];
		const where = first?.path.length ? `${first.path.join('.')}: ` : '';
		throw new ApiError(
			400,
			'VALIDATION',
			`${where}${first?.message ?? 'Invalid input'}`,
			{},
			zodIssues(parsed.error)
		);
	}
	return parsed.data;
}

/** Like readJson, but a request without a body (and without a content type) counts as `{}`. */
export async function readOptionalJson<S extends z.ZodType>(
	request: Request,
	schema: S
): Promise<z.output<S>> {
	if (!request.headers.get('content-type') && !Number(request.headers.get('content-length'))) {
		const raw = await readBody(request, MAX_JSON_BYTES);
		if (raw.length === 0) return parseInput(schema, {});
		throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
	}
	return readJson(request, schema);
}

/** Validates URL query parameters (the last value of a repeated one wins); 400 on failure. */
export function readQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
	return parseInput(schema, Object.fromEntries(url.searchParams));
}

/** Wraps an API handler so every failure is a JSON error with the right status, never a stack. */
export function endpoint(
	handler: (event: RequestEvent) => Promise<Response> | Response
): RequestHandler {
	return async (event) => {
		try {
			return await handler(event);
		} catch (err) {
			if (err instanceof ApiError) return errorResponse(err);
			logger('api').error(
				{ err, requestId: event.locals.requestId, path: event.url.pathname },
				'unhandled API error'
			);
			return errorResponse(new ApiError(500, 'INTERNAL', 'Something went wrong'));
		}
	};
}

export function requireUser(event: RequestEvent) {
	if (!event.locals.user || !event.locals.session) {
		throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first');
	}
	return { user: event.locals.user, session: event.locals.session };
}

export const methodNotAllowed: RequestHandler = ({ request }) =>
	errorResponse(new ApiError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not supported here`));
