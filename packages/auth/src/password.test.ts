import { describe, expect, it } from 'vitest';
import { burnPasswordVerification, hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
	it('uses argon2id with the OWASP parameters (19 MiB, t=2, p=1) and a random salt', async () => {
		const h1 = await hashPassword('correct horse battery');
		const h2 = await hashPassword('correct horse battery');
		expect(h1).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(h1).not.toBe(h2);
		expect(h1).not.toContain('correct horse battery');
	});

	it('verifies the right password and rejects others', async () => {
		const h = await hashPassword('s3cret-password');
		expect(await verifyPassword(h, 's3cret-password')).toBe(true);
		expect(await verifyPassword(h, 's3cret-passwor')).toBe(false);
		expect(await verifyPassword(h, 'S3cret-password')).toBe(false);
	});

	it('treats a corrupt stored hash as a mismatch instead of throwing', async () => {
		expect(await verifyPassword('not-a-hash', 'whatever1')).toBe(false);
	});

	it('burns a verification for unknown accounts and always says no', async () => {
		expect(await burnPasswordVerification('chorus-dummy-password-for-timing')).toBe(false);
	});
});
