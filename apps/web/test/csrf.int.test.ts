// Every state-changing request must show it comes from the app's origin (lib/server/csrf.ts).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';

const routesDir = fileURLToPath(new URL('../src/routes', import.meta.url));
const PASSWORD = 'copper-walrus-meadow-7';

function files(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]
	);
}

/** A concrete URL for a route folder: parameters get plausible values. */
function concretePath(file: string): string {
	const dir = relative(routesDir, file).split(sep).slice(0, -1);
	const parts = dir
		.filter((p) => !/^\(.*\)$/.test(p))
		.map((p) =>
			p === '[provider]'
				? 'github'
				: p === '[...rest]'
					? 'v1/no-such-route'
					: p.startsWith('[')
						? randomUUID()
						: p
		);
	return '/' + parts.join('/');
}

interface Target {
	path: string;
	method: string;
	kind: 'endpoint' | 'action';
}

/** Every mutating route family the app has, read from the route files themselves. */
function mutatingRoutes(): Target[] {
	const out: Target[] = [];
	for (const file of files(routesDir)) {
		const source = readFileSync(file, 'utf8');
		if (file.endsWith('+server.ts')) {
			const methods = [...source.matchAll(/export const (POST|PUT|PATCH|DELETE|fallback)\b/g)].map(
				(m) => (m[1] === 'fallback' ? 'POST' : m[1]!)
			);
			for (const method of new Set(methods))
				out.push({ path: concretePath(file), method, kind: 'endpoint' });
		} else if (file.endsWith('+page.server.ts') && /export const actions\b/.test(source)) {
			const names = [...source.matchAll(/^\t(\w+): /gm)].map((m) => m[1]!);
			const path = concretePath(file);
			out.push({ path, method: 'POST', kind: 'action' });
			for (const name of names)
				out.push({ path: `${path}?/${name}`, method: 'POST', kind: 'action' });
		}
	}
	return out;
}

const refusals: [string, Record<string, string>][] = [
	['no Origin and no Sec-Fetch-Site', {}],
	['another origin', { origin: 'https://evil.example' }],
	['an opaque origin', { origin: 'null' }],
	['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
	['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
	['Sec-Fetch-Site: none', { 'sec-fetch-site': 'none' }],
	[
		'our Origin but a cross-site fetch',
		{ origin: inject('publicOrigin'), 'sec-fetch-site': 'cross-site' }
	]
];

async function signedIn() {
	const res = await api('/api/v1/auth/register', {
		json: { email: uniqueEmail('csrf'), password: PASSWORD, displayName: 'Cass' }
	});
	expect(res.status).toBe(201);
	return res.cookie!;
}

describe('CSRF: Origin / Sec-Fetch-Site on every mutating route', () => {
	const routes = mutatingRoutes();

	it('finds the route families (API endpoints, OAuth, page form actions)', () => {
		const paths = routes.map((r) => r.path);
		expect(routes.length).toBeGreaterThan(50);
		for (const p of [
			'/logout',
			'/login',
			'/api/v1/auth/logout',
			'/api/v1/tracks',
			'/auth/oauth/github'
		])
			expect(paths).toContain(p);
		expect(routes.some((r) => r.method === 'DELETE')).toBe(true);
		expect(routes.some((r) => r.method === 'PATCH')).toBe(true);
	});

	it('refuses each of them, JSON or form, with 403 FORBIDDEN in the API error shape', async () => {
		const cookie = await signedIn();
		const failures: string[] = [];
		for (const route of routes) {
			for (const [label, headers] of refusals) {
				const body =
					route.kind === 'action'
						? {
								body: 'displayName=x',
								headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
							}
						: { body: '{}', headers: { ...headers, 'content-type': 'application/json' } };
				const res = await api(route.path, { method: route.method, cookie, origin: null, ...body });
				const ok =
					res.status === 403 &&
					res.headers.get('content-type')?.startsWith('application/json') &&
					res.body?.error?.code === 'FORBIDDEN' &&
					typeof res.body.error.message === 'string';
				if (!ok) failures.push(`${route.method} ${route.path} with ${label}: ${res.status}`);
			}
		}
		expect(failures).toEqual([]);
		// None of it touched the session.
		expect((await api('/api/v1/me', { cookie })).status).toBe(200);
	});

	it('a form POST /logout without Origin does not sign out; a same-origin one does', async () => {
		const cookie = await signedIn();
		const bare = await api('/logout', {
			cookie,
			origin: null,
			body: '',
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(bare.status).toBe(403);
		expect(bare.body.error.code).toBe('FORBIDDEN');
		expect((await api('/api/v1/me', { cookie })).status).toBe(200);

		const same = await api('/logout', {
			cookie,
			body: '',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }
		});
		expect(same.status).toBe(303);
		expect(same.headers.get('location')).toBe('/login');
		expect((await api('/api/v1/me', { cookie })).status).toBe(401);
	});

	it('Sec-Fetch-Site: same-origin alone is enough, and so is our Origin alone', async () => {
		const bySite = await signedIn();
		const a = await api('/api/v1/auth/logout', {
			cookie: bySite,
			origin: null,
			method: 'POST',
			headers: { 'sec-fetch-site': 'same-origin' }
		});
		expect(a.status).toBeLessThan(300);
		expect((await api('/api/v1/me', { cookie: bySite })).status).toBe(401);

		const byOrigin = await signedIn();
		const b = await api('/api/v1/auth/logout', { cookie: byOrigin, method: 'POST' });
		expect(b.status).toBeLessThan(300);
		expect((await api('/api/v1/me', { cookie: byOrigin })).status).toBe(401);
	});

	it('safe methods need neither header (links, the OAuth callback, HEAD of a stream)', async () => {
		expect((await api('/api/v1/health', { origin: null })).status).toBe(200);
		const callback = await api('/auth/oauth/github/callback?code=x&state=y', { origin: null });
		expect(callback.status).toBe(400); // the flow's own answer, not the CSRF refusal
		expect(JSON.stringify(callback.body)).not.toContain('FORBIDDEN');
		expect((await api('/api/v1/health', { method: 'HEAD', origin: null })).status).not.toBe(403);
	});
});
