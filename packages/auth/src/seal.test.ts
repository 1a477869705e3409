import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSecretsKey, seal, unseal, unsealString } from './seal.ts';

const key = new Uint8Array(randomBytes(32));

describe('seal', () => {
	it('round-trips and never repeats a ciphertext', () => {
		const a = seal(key, 'spotify-token');
		const b = seal(key, 'spotify-token');
		expect(unsealString(key, a)).toBe('spotify-token');
		expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
		expect(Buffer.from(a).includes(Buffer.from('spotify-token'))).toBe(false);
	});

	it('rejects another key and any altered byte', () => {
		const sealed = seal(key, new Uint8Array([1, 2, 3]));
		expect(() => unseal(new Uint8Array(randomBytes(32)), sealed)).toThrow();
		for (const i of [0, 5, sealed.length - 1]) {
			const bad = sealed.slice();
			bad[i]! ^= 1;
			expect(() => unseal(key, bad)).toThrow();
		}
	});

	it('parses base64 and hex keys of exactly 32 bytes', () => {
		const raw = randomBytes(32);
		expect(parseSecretsKey(raw.toString('base64'))).toEqual(new Uint8Array(raw));
		expect(parseSecretsKey(raw.toString('hex'))).toEqual(new Uint8Array(raw));
		expect(() => parseSecretsKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
	});
});
