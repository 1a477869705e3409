import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

const base = { DATABASE_URL: 'postgres://u@localhost/db' };

describe('realtime env', () => {
	it('has development defaults', () => {
		const env = parseEnv({ ...base });
		expect(env.PORT).toBe(3001);
		expect(env.REALTIME_ALLOWED_ORIGINS).toEqual(['http://localhost:5173']);
		expect(env.REDIS_URL).toBeUndefined();
	});

	it('refuses to start without DATABASE_URL', () => {
		expect(() => parseEnv({})).toThrow(/DATABASE_URL/);
	});

	it('refuses production without an origin allow-list', () => {
		expect(() => parseEnv({ ...base, NODE_ENV: 'production' })).toThrow(/REALTIME_ALLOWED_ORIGINS/);
		const env = parseEnv({
			...base,
			NODE_ENV: 'production',
			REALTIME_ALLOWED_ORIGINS: 'https://a.example, https://b.example'
		});
		expect(env.REALTIME_ALLOWED_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
	});

	it('METRICS_TOKEN: unset or empty means loopback-only; a short one is refused', () => {
		expect(parseEnv({ ...base }).METRICS_TOKEN).toBeUndefined();
		expect(parseEnv({ ...base, METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
		expect(() => parseEnv({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
		const token = 'f'.repeat(64);
		expect(parseEnv({ ...base, METRICS_TOKEN: token }).METRICS_TOKEN).toBe(token);
	});

	it('rejects malformed values', () => {
		expect(() => parseEnv({ ...base, PORT: 'eighty' })).toThrow(/PORT/);
		expect(() => parseEnv({ ...base, REALTIME_ALLOWED_ORIGINS: 'not a url' })).toThrow(
			/REALTIME_ALLOWED_ORIGINS/
		);
	});
});
