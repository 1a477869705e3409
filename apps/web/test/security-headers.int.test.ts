// CSP (per-request nonces), HSTS, nosniff and Referrer-Policy on the real server.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWeb, type StartedProcess } from '../../../tests/servers.ts';
import { api } from './api-client.ts';

function directives(csp: string | null): Record<string, string[]> {
	expect(csp).toBeTruthy();
	return Object.fromEntries(
		csp!.split(';').map((d) => {
			const [name, ...values] = d.trim().split(/\s+/);
			return [name!, values];
		})
	);
}

describe('security headers', () => {
	it('pages carry a nonce CSP that their own scripts match, new on every response', async () => {
		const [a, b] = [await api('/login'), await api('/login')];
		expect(a.status).toBe(200);
		const csp = directives(a.headers.get('content-security-policy'));
		const nonce = csp['script-src']!.find((s) => s.startsWith("'nonce-"))!;
		expect(nonce).toMatch(/^'nonce-[\w+/=-]{16,}'$/);
		expect(csp['script-src']).not.toContain("'unsafe-inline'");
		expect(csp['script-src']).not.toContain("'unsafe-eval'");
		const scripts = [...String(a.body).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
		expect(scripts.length).toBeGreaterThan(0);
		for (const tag of scripts) expect(tag).toContain(`nonce="${nonce.slice(7, -1)}"`);
		expect(b.headers.get('content-security-policy')).not.toContain(nonce);

		const web = new URL(inject('webUrl'));
		expect(csp).toMatchObject({
			'default-src': ["'self'"],
			'object-src': ["'none'"],
			'base-uri': ["'self'"],
			'frame-ancestors': ["'none'"],
			'style-src': ["'self'", "'unsafe-inline'"],
			'img-src': expect.arrayContaining(["'self'", 'data:', 'blob:']),
			'media-src': expect.arrayContaining(["'self'", 'blob:', 'data:'])
		});
		expect(csp['connect-src']).toEqual(["'self'", `ws://${web.host}`]);
		// Linking an account posts a form that redirects to the provider.
		expect(csp['form-action']).toEqual(["'self'", new URL(inject('oauthProviderUrl')).origin]);
		expect(a.headers.get('x-content-type-options')).toBe('nosniff');
		expect(a.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
		expect(a.headers.get('strict-transport-security')).toBeNull(); // ORIGIN is http here
	});

	it('API answers, error pages and redirects carry nosniff; non-pages a CSP that runs nothing', async () => {
		for (const path of ['/api/v1/health', '/api/v1/me', '/api/v1/nope']) {
			const res = await api(path);
			expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(res.headers.get('content-security-policy'), path).toBe(
				"default-src 'none'; frame-ancestors 'none'; sandbox"
			);
		}
		const missing = await api('/no-such-page', { headers: { accept: 'text/html' } });
		expect(missing.status).toBe(404);
		expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
		expect(directives(missing.headers.get('content-security-policy'))['script-src']).toEqual(
			expect.arrayContaining(["'self'"])
		);
		const redirect = await api('/library');
		expect(redirect.status).toBe(303);
		expect(redirect.headers.get('x-content-type-options')).toBe('nosniff');
	});
});

describe('behind https, with realtime on its own origin', () => {
	let web: StartedProcess;
	beforeAll(async () => {
		web = await startWeb({
			DATABASE_URL: inject('databaseUrl'),
			RATE_LIMIT_NAMESPACE: `test-${randomBytes(6).toString('hex')}`,
			ORIGIN: 'https://chorus.example',
			PUBLIC_REALTIME_URL: 'https://rt.chorus.example'
		});
	}, 60_000);
	afterAll(() => web?.stop());

	it('sends HSTS, upgrades insecure requests and allows the realtime sockets', async () => {
		const page = await fetch(`${web.url}/login`);
		expect(page.status).toBe(200);
		expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000');
		const csp = directives(page.headers.get('content-security-policy'));
		expect(csp['connect-src']).toEqual([
			"'self'",
			'wss://chorus.example',
			'https://rt.chorus.example',
			'wss://rt.chorus.example'
		]);
		expect(csp['upgrade-insecure-requests']).toEqual([]);
		const health = await fetch(`${web.url}/api/v1/health`);
		expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000');
		expect(health.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
