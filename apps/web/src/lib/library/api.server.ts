import { error, redirect, type RequestEvent } from '@sveltejs/kit';

type LoadEvent = Pick<RequestEvent, 'fetch' | 'url' | 'locals'>;

const loginUrl = (url: URL) => `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;

/** Pages other than home need a session: send the visitor through sign-in and back. */
export function requireSignIn(event: LoadEvent): void {
	if (!event.locals.user) redirect(303, loginUrl(event.url));
}

/** GETs a JSON API route with the visitor's session; API errors become page errors. */
export async function apiGet<T>(event: LoadEvent, path: string): Promise<T> {
	const res = await event.fetch(path, { headers: { accept: 'application/json' } });
	if (res.ok) return (await res.json()) as T;
	if (res.status === 401) redirect(303, loginUrl(event.url));
	const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
	const message = body?.error?.message;
	if (res.status === 404) error(404, message ?? 'Not found');
	if (res.status >= 500) error(502, 'The library is not answering right now. Try again shortly.');
	error(res.status, message ?? `Request failed (${res.status})`);
}

export type SendResult<T> =
	{ ok: true; status: number; data: T } | { ok: false; status: number; message: string };

/** A mutation through the JSON API for form actions; the caller turns failures into fail(). */
export async function apiSend<T = unknown>(
	event: LoadEvent,
	path: string,
	method: string,
	body?: unknown
): Promise<SendResult<T>> {
	const init: RequestInit = { method, headers: { accept: 'application/json' } };
	if (body instanceof Blob) {
		init.body = body;
		init.headers = { accept: 'application/json', 'content-type': body.type };
	} else if (body !== undefined) {
		init.body = JSON.stringify(body);
		init.headers = { accept: 'application/json', 'content-type': 'application/json' };
	}
	const res = await event.fetch(path, init);
	if (res.status === 401) redirect(303, loginUrl(event.url));
	const json = res.status === 204 ? undefined : await res.json().catch(() => undefined);
	if (res.ok) return { ok: true, status: res.status, data: json as T };
	const message =
		(json as { error?: { message?: string } } | undefined)?.error?.message ??
		`Request failed (${res.status})`;
	return { ok: false, status: res.status, message };
}
