// Helpers for tests that need an account with two-factor authentication on.
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { expect } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';

/** Not on any common-password list: sign-up refuses those. */
export const TWO_FACTOR_PASSWORD = 'amber-quokka-lantern-41';
const STEP_MS = 30_000;

export const codeAt = (key: Uint8Array, step: number) => generateHOTP(key, BigInt(step), 6);

/** A late step is waited out, so codes computed for "now" stay valid for the test. */
export async function freshStep(): Promise<number> {
	const into = Date.now() % STEP_MS;
	if (into > STEP_MS - 10_000) await new Promise((r) => setTimeout(r, STEP_MS - into + 50));
	return Math.floor(Date.now() / STEP_MS);
}

/** A new account with 2FA on, enabled with the previous step's code ("now" is still unused). */
export async function twoFactorAccount() {
	const step = await freshStep();
	const email = uniqueEmail('2fa');
	const reg = await api('/api/v1/auth/register', {
		json: { email, password: TWO_FACTOR_PASSWORD, displayName: 'Tess' }
	});
	expect(reg.status).toBe(201);
	const cookie = reg.cookie!;
	const setup = await api('/api/v1/me/two-factor/setup', {
		cookie,
		json: { password: TWO_FACTOR_PASSWORD }
	});
	expect(setup.status).toBe(200);
	const key = decodeBase32IgnorePadding(setup.body.secret);
	const confirm = await api('/api/v1/me/two-factor/confirm', {
		cookie,
		json: { code: codeAt(key, step - 1) }
	});
	expect(confirm.status).toBe(200);
	return {
		email,
		id: reg.body.user.id as string,
		cookie,
		key,
		step,
		recoveryCodes: confirm.body.recoveryCodes as string[]
	};
}
