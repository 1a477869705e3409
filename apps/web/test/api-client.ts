import { inject } from 'vitest';
import { randomIp } from '../../../tests/helpers.ts';

export interface ApiResult<T = any> {
	status: number;
	body: T;
	headers: Headers;
	/** `name=value` of the session cookie the response set, if any. */
	cookie: string | null;
	setCookie: string | null;
}

export interface ApiOptions {
	method?: string;
	json?: unknown;
	body?: BodyInit;
	cookie?: string | null;
	ip?: string;
	headers?: Record<string, string>;
	/**
	 * Origin sent with non-GET requests; the app's own by default, as its pages send it (the web
	 * app refuses mutations without one). `null` sends none.
	 */
	origin?: string | null;
}

/** Calls the running web app like a non-browser client behind the proxy (X-Forwarded-For). */
export function api<T = any>(path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
	return callWeb<T>(inject('webUrl'), inject('publicOrigin'), path, opts);
}

/** `api` against any web server: `origin` is what non-GET requests carry by default. */
export async function callWeb<T = any>(
	baseUrl: string,
	appOrigin: string,
	path: string,
	opts: ApiOptions = {}
): Promise<ApiResult<T>> {
	const headers: Record<string, string> = {
		'x-forwarded-for': opts.ip ?? randomIp(),
		...opts.headers
	};
	if (opts.json !== undefined) headers['content-type'] ??= 'application/json';
	if (opts.cookie) headers.cookie = opts.cookie;
	const method =
		opts.method ?? (opts.json !== undefined || opts.body !== undefined ? 'POST' : 'GET');
	const origin = opts.origin === undefined ? appOrigin : opts.origin;
	if (method !== 'GET' && method !== 'HEAD' && origin !== null) headers.origin ??= origin;
	const res = await fetch(baseUrl + path, {
		method,
		headers,
		body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
		redirect: 'manual'
	});
	const text = await res.text();
	let body: unknown = text;
	try {
		body = text ? JSON.parse(text) : null;
	} catch {
		// keep text
	}
	const setCookie = res.headers.get('set-cookie');
	const cookie = setCookie?.match(/(chorus_session=[^;]*)/)?.[1] ?? null;
	return { status: res.status, body: body as T, headers: res.headers, cookie, setCookie };
}
