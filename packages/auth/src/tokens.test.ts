import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	RANDOM_STRING_LENGTH,
	constantTimeEqual,
	generateSecureRandomString,
	hashSecret,
	parseSessionToken
} from './tokens.ts';

describe('generateSecureRandomString', () => {
	it('is 24 characters of the readable base32 alphabet (120 bits)', () => {
		for (let i = 0; i < 200; i++) {
			expect(generateSecureRandomString()).toMatch(/^[a-km-np-z2-9]{24}$/);
		}
	});

	it('does not repeat and uses the whole alphabet', () => {
		const seen = new Set<string>();
		const chars = new Set<string>();
		for (let i = 0; i < 2000; i++) {
			const s = generateSecureRandomString();
			seen.add(s);
			for (const c of s) chars.add(c);
		}
		expect(seen.size).toBe(2000);
		expect(chars.size).toBe(32);
	});
});

describe('parseSessionToken', () => {
	const id = 'a'.repeat(RANDOM_STRING_LENGTH);
	const secret = 'b'.repeat(RANDOM_STRING_LENGTH);

	it('splits a well-formed token', () => {
		expect(parseSessionToken(`${id}.${secret}`)).toEqual({ id, secret });
	});

	it.each([
		['empty', ''],
		['no dot', id + secret],
		['three parts', `${id}.${secret}.x`],
		['short id', `${id.slice(1)}.${secret}x`],
		['upper case', `${id.toUpperCase()}.${secret}`],
		['excluded letter l', `${'l'.repeat(24)}.${secret}`],
		['digit 0', `${'0'.repeat(24)}.${secret}`],
		['sql-ish', `${id}.${"' OR 1=1 --".padEnd(24, 'a')}`],
		['too long', `${id}.${secret}${secret}`]
	])('rejects %s', (_name, token) => {
		expect(parseSessionToken(token)).toBeNull();
	});

	it('rejects non-strings', () => {
		expect(parseSessionToken(undefined)).toBeNull();
		expect(parseSessionToken(null)).toBeNull();
	});
});

describe('hashSecret', () => {
	it('is the SHA-256 of the secret', () => {
		const secret = generateSecureRandomString();
		const expected = createHash('sha256').update(secret).digest();
		expect(Buffer.from(hashSecret(secret)).equals(expected)).toBe(true);
		expect(hashSecret(secret).byteLength).toBe(32);
	});
});

describe('constantTimeEqual', () => {
	const a = hashSecret('one');

	it('is true only for identical bytes', () => {
		expect(constantTimeEqual(a, hashSecret('one'))).toBe(true);
		expect(constantTimeEqual(a, hashSecret('two'))).toBe(false);
	});

	it('is false when the difference is in the first or the last byte', () => {
		const first = new Uint8Array(a);
		first[0] = first[0]! ^ 1;
		const last = new Uint8Array(a);
		last[31] = last[31]! ^ 1;
		expect(constantTimeEqual(a, first)).toBe(false);
		expect(constantTimeEqual(a, last)).toBe(false);
	});

	it('is false (not a throw) for different lengths', () => {
		expect(constantTimeEqual(a, a.subarray(0, 31))).toBe(false);
		expect(constantTimeEqual(new Uint8Array(0), a)).toBe(false);
	});
});
