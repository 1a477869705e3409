import { describe, expect, it } from 'vitest';
import { metricsAccess as access } from './metrics-access.ts';

const req = (remoteAddress: string | undefined, headers: Record<string, string> = {}) => ({
	headers,
	remoteAddress
});
const metricsAccess = (r: ReturnType<typeof req>, token: string | undefined) =>
	access(r.headers, r.remoteAddress, token);

describe('metricsAccess', () => {
	it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('lets loopback %s in', (a) => {
		expect(metricsAccess(req(a), undefined)).toBe('ok');
	});

	it.each(['10.0.0.5', '192.0.2.2', '::ffff:10.0.0.5', 'fd00::2', '::', undefined])(
		'keeps %s out',
		(a) => {
			expect(metricsAccess(req(a), undefined)).toBe('forbidden');
		}
	);

	it('keeps proxied loopback requests out', () => {
		expect(metricsAccess(req('127.0.0.1', { 'x-forwarded-for': '1.2.3.4' }), undefined)).toBe(
			'forbidden'
		);
	});

	it('with a token, only its bearer gets in, wherever from', () => {
		const token = 'a-long-enough-metrics-token';
		expect(metricsAccess(req('127.0.0.1'), token)).toBe('unauthorized');
		expect(metricsAccess(req('10.0.0.5', { authorization: `Bearer ${token}` }), token)).toBe('ok');
		expect(metricsAccess(req('10.0.0.5', { authorization: `Bearer ${token}-` }), token)).toBe(
			'unauthorized'
		);
	});
});
