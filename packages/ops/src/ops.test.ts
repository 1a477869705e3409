import { describe, expect, it } from 'vitest';
import { checkReadiness, redactUrl } from './index.ts';

describe('checkReadiness', () => {
	it('names the dependency that failed or did not answer', async () => {
		const r = await checkReadiness(
			{
				postgres: async () => {},
				redis: () => Promise.reject(new Error('connection refused')),
				storage: () => new Promise(() => {})
			},
			50
		);
		expect(r).toEqual({
			ok: false,
			checks: { postgres: 'ok', redis: 'connection refused', storage: 'no answer in 50 ms' }
		});
		expect(await checkReadiness({ postgres: async () => {} })).toEqual({
			ok: true,
			checks: { postgres: 'ok' }
		});
	});
});

describe('redactUrl', () => {
	it('hides credential-like query values and route parameters', () => {
		const url = new URL('http://x/invite/abc%2Fdef?token=s3cret&page=2&code=c0de');
		expect(redactUrl(url, { token: 'abc/def' })).toBe(
			'/invite/[Redacted]?token=[Redacted]&page=2&code=[Redacted]'
		);
		expect(redactUrl(new URL('http://x/tracks/42'), { id: '42' })).toBe('/tracks/42');
	});
});
