import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { randomIp } from '../../../tests/helpers.ts';

interface StoredCookie {
	value: string;
	path: string;
}

/**
 * A browser stand-in for the web app: follows nothing by itself (manual redirects), keeps the
 * web app's cookies with their paths, and sends the Origin a same-site form would.
 */
export class Browser {
	readonly cookies = new Map<string, StoredCookie>();
	readonly ip = randomIp();
	readonly base = inject('webUrl');

	cookieHeader(pathname: string): string {
		return [...this.cookies]
			.filter(([, c]) => pathname === c.path || pathname.startsWith(c.path.replace(/\/?$/, '/')))
			.map(([name, c]) => `${name}=${c.value}`)
			.join('; ');
	}

	store(res: Response, requestPath: string) {
		for (const line of res.headers.getSetCookie()) {
			const [pair, ...attrs] = line.split(';').map((s) => s.trim());
			const eq = pair!.indexOf('=');
			const name = pair!.slice(0, eq);
			const value = pair!.slice(eq + 1);
			const attr = (n: string) =>
				attrs.find((a) => a.toLowerCase().startsWith(`${n}=`))?.slice(n.length + 1);
			const path = attr('path') ?? requestPath.replace(/\/[^/]*$/, '') ?? '/';
			const expires = attr('expires');
			const deleted =
				attr('max-age') === '0' || (expires && new Date(expires).getTime() <= Date.now());
			if (deleted || value === '') this.cookies.delete(name);
			else this.cookies.set(name, { value, path });
		}
	}

	async fetch(
		pathOrUrl: string,
		init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}
	) {
		const url = new URL(pathOrUrl, this.base);
		const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...init.headers };
		const cookie = this.cookieHeader(url.pathname);
		if (cookie) headers.cookie = cookie;
		if (init.method && init.method !== 'GET') headers.origin ??= this.base;
		const res = await fetch(url, { ...init, headers, redirect: 'manual' });
		this.store(res, url.pathname);
		return res;
	}

	get sessionCookie() {
		return this.cookies.get('chorus_session')?.value ?? null;
	}
}

export const provider = inject('oauthProviderUrl');

/** Whether a response set a (non-empty) session cookie. */
export const setsSession = (res: Response) =>
	res.headers.getSetCookie().some((c) => /^chorus_session=[^;]+/.test(c));

export interface TestIdentity {
	sub?: string;
	name?: string;
	email?: string;
	email_verified?: 'true' | 'false';
	public_email?: '1';
	expires_in?: string;
	no_refresh?: '1';
	error?: string;
}

export const uniqueSub = () => String(1e9 + Math.floor(Math.random() * 1e9));

/**
 * The provider's part: the person signs in there (identity appended as query parameters), and
 * the provider sends the browser back to the callback URL with code + state.
 */
export async function authorizeAtProvider(authorizeUrl: string, identity: TestIdentity) {
	const url = new URL(authorizeUrl);
	for (const [k, v] of Object.entries(identity)) if (v !== undefined) url.searchParams.set(k, v);
	const res = await fetch(url, { redirect: 'manual' });
	if (res.status !== 302) throw new Error(`provider answered ${res.status}: ${await res.text()}`);
	return res.headers.get('location')!;
}

/** Starts a flow: sign-in is a GET (a link), linking a same-origin POST from settings. */
export async function start(
	browser: Browser,
	providerId: string,
	opts: { link?: boolean; redirectTo?: string; headers?: Record<string, string> } = {}
) {
	const path =
		`/auth/oauth/${providerId}` +
		(opts.redirectTo ? `?redirectTo=${encodeURIComponent(opts.redirectTo)}` : '');
	const res = await browser.fetch(path, {
		method: opts.link ? 'POST' : 'GET',
		headers: opts.headers
	});
	return res;
}

/** A whole round trip; returns the callback's response. */
export async function oauthFlow(
	browser: Browser,
	providerId: string,
	identity: TestIdentity,
	opts: { link?: boolean; redirectTo?: string } = {}
) {
	const started = await start(browser, providerId, opts);
	if (started.status !== 302 && started.status !== 303) {
		throw new Error(`start answered ${started.status}`);
	}
	const authorizeUrl = started.headers.get('location')!;
	const callbackUrl = await authorizeAtProvider(authorizeUrl, identity);
	const callback = await browser.fetch(callbackUrl);
	return { authorizeUrl, callbackUrl, callback };
}

export async function me(browser: Browser) {
	const res = await browser.fetch('/api/v1/me');
	return res.status === 200
		? ((await res.json()) as { user: { id: string; email: string } }).user
		: null;
}

export async function providerControl(path: string, body?: unknown) {
	const res = await fetch(provider + path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return res.json();
}

export const uniqueTestEmail = (tag: string) =>
	`${tag}-${randomBytes(6).toString('hex')}@oauth.test.chorus`;
