import { describe, expect, it } from 'vitest';
import { passwordStrength } from './password-strength.ts';

describe('passwordStrength', () => {
	it.each([
		'password1234',
		'qwertyuiop',
		'password-123',
		'iloveyou123',
		'P@ssw0rd123',
		'zaq12wsx',
		'letmein2024!',
		'Summer2024!',
		'aaaaaaaaaaaa',
		'12345678',
		'abcdefghijk'
	])('refuses the common or breached-like %s, saying why', (password) => {
		const verdict = passwordStrength(password);
		expect(verdict.ok).toBe(false);
		expect(verdict.warning ?? verdict.suggestions[0]).toEqual(expect.any(String));
	});

	it.each(['copper-walrus-meadow-7', 'correct horse battery staple', 'Tr0ub4dor&3', 'vT9#qL2!xw'])(
		'accepts %s',
		(password) => {
			expect(passwordStrength(password).ok).toBe(true);
		}
	);

	it("refuses a password made of the account's own email and name", () => {
		const inputs = ['kristoffer.lindqvist@chorus.example', 'Kristoffer Lindqvist'];
		expect(passwordStrength('lindqvistkristoffer', []).ok).toBe(true);
		expect(passwordStrength('lindqvistkristoffer', inputs).ok).toBe(false);
	});

	it('stays fast on the longest accepted password', () => {
		const long = 'ab1!'.repeat(64);
		const start = performance.now();
		passwordStrength(long);
		expect(performance.now() - start).toBeLessThan(2_000);
	});
});
