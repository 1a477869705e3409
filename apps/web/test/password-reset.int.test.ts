import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { describe, expect, inject, it } from 'vitest';
import { mailTo, waitForMail } from '../../../tests/mail-catcher.ts';
import { randomIp, uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import {
	confirmReset,
	login,
	mailedToken,
	PASSWORD,
	register,
	requestReset,
	RESET_SUBJECT,
	settle,
	sha256,
	testDb
} from './email-client.ts';

const NEW_PASSWORD = 'brand-new-secret-42';

async function resetToken(email: string) {
	const since = Date.now();
	const res = await requestReset(email);
	expect(res.status).toBe(202);
	return mailedToken(email, RESET_SUBJECT, '/reset-password', since);
}

const check = (token: string) => api('/api/v1/auth/password-reset/check', { json: { token } });

describe('password reset', () => {
	it('answers the same for known and unknown addresses, and mails only the known one', async () => {
		const { email } = await register('known');
		const unknown = uniqueEmail('nobody');
		const since = Date.now();
		const [a, b] = await Promise.all([requestReset(email), requestReset(unknown)]);
		expect(a.status).toBe(202);
		expect(b.status).toBe(202);
		expect(a.body).toEqual(b.body);
		expect(a.headers.get('content-type')).toBe(b.headers.get('content-type'));
		await mailedToken(email, RESET_SUBJECT, '/reset-password', since);
		await settle();
		expect(await mailTo(inject('mailDir'), unknown, since)).toHaveLength(0);
	});

	it('sets the new password, signs every session out, verifies the email, does not sign in; once', async () => {
		const { email, cookie: first, user } = await register();
		const second = (await login(email, PASSWORD)).cookie!;
		expect((await api('/api/v1/me', { cookie: second })).status).toBe(200);

		const token = await resetToken(email);
		expect((await check(token)).body).toEqual({ valid: true, twoFactorRequired: false });
		const confirmedAt = Date.now();
		const res = await confirmReset({ token, password: NEW_PASSWORD });
		expect(res.status).toBe(204);
		expect(res.cookie).toBeNull();
		// The owner is told, without a link.
		const notice = await waitForMail(inject('mailDir'), {
			to: email,
			subject: /password was changed/i,
			since: confirmedAt
		});
		expect(notice.text).not.toMatch(/https?:/);

		for (const cookie of [first, second])
			expect((await api('/api/v1/me', { cookie })).status).toBe(401);
		expect(await testDb().session.count({ where: { userId: user.id } })).toBe(0);
		expect((await login(email, PASSWORD)).status).toBe(401);
		const signedIn = await login(email, NEW_PASSWORD);
		expect(signedIn.status).toBe(200);
		expect(signedIn.body.user.emailVerified).toBe(true);

		const again = await confirmReset({ token, password: 'yet-another-pass-1' });
		expect(again.status).toBe(400);
		expect(again.body.error.code).toBe('INVALID_TOKEN');
		expect((await check(token)).body).toEqual({ valid: false, twoFactorRequired: false });
	});

	it('the token has >= 128 random bits, is stored only as SHA-256 and expires after 15 minutes', async () => {
		const { email, user } = await register();
		const token = await resetToken(email);
		expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
		const row = await testDb().emailToken.findFirstOrThrow({
			where: { userId: user.id, purpose: 'reset' }
		});
		expect(Buffer.from(row.tokenHash).equals(sha256(token))).toBe(true);
		const ttlMs = row.expiresAt.getTime() - row.createdAt.getTime();
		expect(Math.abs(ttlMs - 15 * 60_000)).toBeLessThan(5_000);

		// 15 minutes later (the row is aged instead of waiting).
		await testDb().emailToken.update({
			where: { id: row.id },
			data: {
				createdAt: new Date(Date.now() - 16 * 60_000),
				expiresAt: new Date(Date.now() - 60_000)
			}
		});
		expect((await check(token)).body.valid).toBe(false);
		const res = await confirmReset({ token, password: NEW_PASSWORD });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('INVALID_TOKEN');
		expect((await login(email, PASSWORD)).status).toBe(200);
	});

	it('a new request makes older links stop working', async () => {
		const { email } = await register();
		const older = await resetToken(email);
		const newer = await resetToken(email);
		expect(newer).not.toBe(older);
		const res = await confirmReset({ token: older, password: NEW_PASSWORD });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('INVALID_TOKEN');
		expect((await confirmReset({ token: newer, password: NEW_PASSWORD })).status).toBe(204);
	});

	it('malformed and unknown tokens are 400 INVALID_TOKEN; a weak password keeps the token', async () => {
		for (const token of ['', 'abc', 'A'.repeat(43), '../../etc/passwd']) {
			const res = await confirmReset({ token, password: NEW_PASSWORD });
			expect(res.status, token).toBe(400);
			expect(res.body.error.code, token).toBe('INVALID_TOKEN');
		}
		const { email } = await register();
		const token = await resetToken(email);
		const weak = await confirmReset({ token, password: 'short' });
		expect(weak.status).toBe(400);
		expect(weak.body.error.code).toBe('VALIDATION');
		expect((await confirmReset({ token, password: NEW_PASSWORD })).status).toBe(204);
	});

	it('two concurrent uses of one link: exactly one succeeds', async () => {
		const { email } = await register();
		const token = await resetToken(email);
		const results = await Promise.all([
			confirmReset({ token, password: 'first-password-1' }),
			confirmReset({ token, password: 'second-password-2' }),
			confirmReset({ token, password: 'third-password-3' })
		]);
		expect(results.map((r) => r.status).sort()).toEqual([204, 400, 400]);
		const winner = ['first-password-1', 'second-password-2', 'third-password-3'][
			results.findIndex((r) => r.status === 204)
		]!;
		expect((await login(email, winner)).status).toBe(200);
	});

	it('is rate-limited per address (known or not) and per client address', async () => {
		const perAccount = 5; // RATE_LIMIT_EMAIL_PER_ACCOUNT default
		for (const email of [(await register()).email, uniqueEmail('nobody')]) {
			for (let i = 0; i < perAccount; i++)
				expect((await requestReset(email, randomIp())).status).toBe(202);
			const limited = await requestReset(email, randomIp());
			expect(limited.status).toBe(429);
			expect(limited.body.error.code).toBe('RATE_LIMITED');
			expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
		}

		const perIp = 30; // RATE_LIMIT_EMAIL_PER_IP default
		const ip = randomIp();
		for (let i = 0; i < perIp; i++)
			expect((await requestReset(uniqueEmail('spray'), ip)).status).toBe(202);
		expect((await requestReset(uniqueEmail('spray'), ip)).status).toBe(429);
	});

	it('an account with two-factor needs a code: without one the reset is refused and the link kept', async () => {
		const { email, user } = await register();
		await testDb().user.update({
			where: { id: user.id },
			data: { totpEnabledAt: new Date(), totpKey: new Uint8Array(64) }
		});
		const token = await resetToken(email);
		expect((await check(token)).body).toEqual({ valid: true, twoFactorRequired: true });

		for (const extra of [{}, { code: '' }, { code: '   ', recoveryCode: '' }]) {
			const res = await confirmReset({ token, password: NEW_PASSWORD, ...extra });
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe('TWO_FACTOR_REQUIRED');
		}
		expect((await login(email, NEW_PASSWORD)).status).toBe(401);
		const row = await testDb().user.findUniqueOrThrow({ where: { id: user.id } });
		expect(row.emailVerifiedAt).toBeNull();
		expect((await check(token)).body).toEqual({ valid: true, twoFactorRequired: true });
		// The reset page asks for the code.
		const page = await api(`/reset-password?token=${token}`);
		expect(page.body).toContain('Authentication code');
	});

	it('an account with two-factor resets with a current code or a recovery code, never a wrong one', async () => {
		const { email, cookie } = await register();
		const setup = await api('/api/v1/me/two-factor/setup', {
			cookie,
			json: { password: PASSWORD }
		});
		expect(setup.status).toBe(200);
		const key = decodeBase32IgnorePadding(setup.body.secret);
		// Enabled with the previous step's code, so the current step's code is still unused.
		const step = Math.floor(Date.now() / 30_000);
		const on = await api('/api/v1/me/two-factor/confirm', {
			cookie,
			json: { code: generateHOTP(key, BigInt(step - 1), 6) }
		});
		expect(on.status).toBe(200);
		const recoveryCodes = on.body.recoveryCodes as string[];

		const token = await resetToken(email);
		const wrong = await confirmReset({ token, password: NEW_PASSWORD, code: '000000' });
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.code).toBe('INVALID_CODE');
		expect((await check(token)).body.valid).toBe(true);
		const withCode = await confirmReset({
			token,
			password: NEW_PASSWORD,
			code: generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000)), 6)
		});
		expect(withCode.status).toBe(204);
		// Signing in still asks for the second factor.
		const signIn = await login(email, NEW_PASSWORD);
		expect(signIn.status).toBe(200);
		expect(signIn.body).toEqual({ twoFactorRequired: true });

		const again = await resetToken(email);
		const withRecovery = await confirmReset({
			token: again,
			password: `${NEW_PASSWORD}-2`,
			recoveryCode: recoveryCodes[0]!
		});
		expect(withRecovery.status).toBe(204);
		// That recovery code is spent.
		const third = await resetToken(email);
		const reused = await confirmReset({
			token: third,
			password: `${NEW_PASSWORD}-3`,
			recoveryCode: recoveryCodes[0]!
		});
		expect(reused.status).toBe(400);
		expect(reused.body.error.code).toBe('INVALID_CODE');
	});

	it('the reset page shows the form for a live link and an error for a dead one', async () => {
		const { email } = await register();
		const token = await resetToken(email);
		const live = await api(`/reset-password?token=${token}`);
		expect(live.status).toBe(200);
		expect(live.body).toContain('New password');
		expect(live.body).not.toContain('Authentication code');
		expect(live.body).toContain('<meta name="referrer" content="no-referrer"');
		const dead = await api('/reset-password?token=nope');
		expect(dead.body).toContain('invalid, expired or already used');
		// Loading the page did not use the link.
		expect((await check(token)).body.valid).toBe(true);
	});

	it('cross-site POSTs to the reset forms and API are refused (403)', async () => {
		const { email } = await register();
		const since = Date.now();
		const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
		expect(
			(await api('/api/v1/auth/password-reset', { json: { email }, headers: evil })).status
		).toBe(403);
		const form = await api('/forgot-password', {
			body: new URLSearchParams({ email }),
			headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(form.status).toBe(403);
		await settle();
		const resets = (await mailTo(inject('mailDir'), email, since)).filter((m) =>
			RESET_SUBJECT.test(m.subject)
		);
		expect(resets).toHaveLength(0);

		const token = await resetToken(email);
		const confirm = await api('/reset-password', {
			body: new URLSearchParams({ token, password: NEW_PASSWORD }),
			headers: { ...evil, 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(confirm.status).toBe(403);
		expect((await check(token)).body.valid).toBe(true);
	});

	it('the forms work from the app itself: request, then set the password', async () => {
		const { email } = await register();
		const since = Date.now();
		const headers = {
			origin: inject('publicOrigin'),
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json'
		};
		const asked = await api('/forgot-password', { body: new URLSearchParams({ email }), headers });
		expect(asked.body.type).toBe('success');
		const token = await mailedToken(email, RESET_SUBJECT, '/reset-password', since);
		const set = await api('/reset-password', {
			body: new URLSearchParams({ token, password: NEW_PASSWORD }),
			headers
		});
		expect(set.body.type).toBe('success');
		expect((await login(email, NEW_PASSWORD)).status).toBe(200);
	});
});
