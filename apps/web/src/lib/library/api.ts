// Browser-side calls to the JSON API (same origin, session cookie).
import { errorText } from '$lib/i18n/errors';
import { m } from '$lib/paraglide/messages';

export class ApiCallError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

/** Calls the API and returns the parsed JSON body (undefined for 204); throws ApiCallError. */
export async function api<T = unknown>(
	path: string,
	init: RequestInit & { json?: unknown } = {}
): Promise<T> {
	const { json, ...rest } = init;
	const headers = new Headers(rest.headers);
	if (json !== undefined) headers.set('content-type', 'application/json');
	let res: Response;
	try {
		res = await fetch(path, {
			...rest,
			headers,
			body: json !== undefined ? JSON.stringify(json) : rest.body
		});
	} catch {
		throw new ApiCallError(0, 'NETWORK', 'Could not reach the server. Check your connection.');
	}
	if (res.status === 204) return undefined as T;
	const body = (await res.json().catch(() => null)) as {
		error?: { code?: string; message?: string };
	} | null;
	if (!res.ok) {
		throw new ApiCallError(
			res.status,
			body?.error?.code ?? 'ERROR',
			body?.error?.message ?? `Request failed (${res.status})`
		);
	}
	return body as T;
}

/** What to show for a failed call, in the page's language (lib/i18n/errors.ts). */
export const errorMessage = (err: unknown) =>
	err instanceof ApiCallError
		? err.code === 'NETWORK'
			? m.add_offline()
			: errorText(err)
		: err instanceof Error
			? err.message
			: m.err_INTERNAL();
