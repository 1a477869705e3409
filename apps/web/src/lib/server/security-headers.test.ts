import { describe, expect, it } from 'vitest';
import {
	applySecurityHeaders,
	HSTS,
	NON_DOCUMENT_CSP,
	runtimeSources,
	withSources
} from './security-headers.ts';

const directives = (csp: string) =>
	Object.fromEntries(
		csp.split(';').map((d) => {
			const [name, ...values] = d.trim().split(/\s+/);
			return [name!, values];
		})
	);

describe('security headers', () => {
	it('adds sources to existing directives and appends missing ones, without duplicates', () => {
		const out = withSources("default-src 'self'; connect-src 'self'", {
			'connect-src': ['wss://a.test', "'self'"],
			'form-action': ['https://github.com']
		});
		expect(out).toBe(
			"default-src 'self'; connect-src 'self' wss://a.test; form-action https://github.com"
		);
	});

	it('names the sockets of ORIGIN and of the realtime service, and the OAuth providers', () => {
		expect(
			runtimeSources({
				appOrigin: 'https://chorus.example',
				realtimeUrl: 'https://rt.chorus.example:8443/',
				formTargets: ['https://github.com/login/oauth/authorize', 'not a url']
			})
		).toEqual({
			'connect-src': [
				'wss://chorus.example',
				'https://rt.chorus.example:8443',
				'wss://rt.chorus.example:8443'
			],
			'form-action': ['https://github.com'],
			'upgrade-insecure-requests': []
		});
		expect(runtimeSources({ appOrigin: 'http://localhost:5173', realtimeUrl: '' })).toEqual({
			'connect-src': ['ws://localhost:5173'],
			'form-action': []
		});
	});

	it('HSTS only over https; responses without a page CSP get the locked-down one', () => {
		const plain = new Headers();
		applySecurityHeaders(plain, { appOrigin: 'http://lan.local:3000' });
		expect(plain.get('strict-transport-security')).toBeNull();
		expect(plain.get('content-security-policy')).toBe(NON_DOCUMENT_CSP);
		expect(plain.get('x-content-type-options')).toBe('nosniff');
		expect(plain.get('referrer-policy')).toBe('strict-origin-when-cross-origin');

		const page = new Headers({ 'content-security-policy': "script-src 'self' 'nonce-abc'" });
		applySecurityHeaders(page, { appOrigin: 'https://chorus.example' });
		expect(page.get('strict-transport-security')).toBe(HSTS);
		expect(directives(page.get('content-security-policy')!)).toMatchObject({
			'script-src': ["'self'", "'nonce-abc'"],
			'connect-src': ['wss://chorus.example'],
			'upgrade-insecure-requests': []
		});
	});
});
