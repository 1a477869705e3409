// Signing in with a 2FA recovery code sends the person to review two-factor, and tells them.
import { describe, expect, inject, it } from 'vitest';
import { waitForMail } from '../../../tests/mail-catcher.ts';
import { api } from './api-client.ts';
import { codeAt, TWO_FACTOR_PASSWORD, twoFactorAccount } from './two-factor-client.ts';

const asBrowserForm = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function passwordStep(email: string, redirectTo = '/library') {
	const login = await api(`/login?redirectTo=${encodeURIComponent(redirectTo)}`, {
		body: form({ email, password: TWO_FACTOR_PASSWORD }),
		headers: asBrowserForm
	});
	expect(login.headers.get('location')).toMatch(/^\/login\/two-factor\?/);
	return login.cookie!;
}

describe('signing in with a recovery code', () => {
	it('lands on the 2FA settings with a notice of how many codes are left, and mails the owner', async () => {
		const user = await twoFactorAccount();
		const since = Date.now();
		const pending = await passwordStep(user.email);
		const verify = await api('/login/two-factor?/verify&redirectTo=%2Flibrary', {
			cookie: pending,
			body: form({ recoveryCode: user.recoveryCodes[0]! }),
			headers: asBrowserForm
		});
		expect(verify.status).toBe(303);
		const location = verify.headers.get('location')!;
		expect(location).toBe('/account/two-factor?recovery-code-used=1&redirectTo=%2Flibrary');

		const page = await api(location, { cookie: verify.cookie });
		expect(page.status).toBe(200);
		const html = String(page.body);
		expect(html).toContain('data-testid="recovery-code-notice"');
		expect(html).toMatch(/You signed in with a recovery code/);
		expect(html).toMatch(/You have 9\s+recovery codes left/);
		expect(html).toMatch(/href="\/library"/);

		const mail = await waitForMail(inject('mailDir'), {
			to: user.email,
			subject: /recovery code was used/i,
			since
		});
		expect(mail.text).toContain('9 codes are left');
		expect(mail.text).toContain(`${inject('publicOrigin')}/account/two-factor`);
	});

	it('the JSON API says so too; a TOTP sign-in goes straight on, without the notice', async () => {
		const user = await twoFactorAccount();
		const login = await api('/api/v1/auth/login', {
			json: { email: user.email, password: TWO_FACTOR_PASSWORD }
		});
		const viaApi = await api('/api/v1/auth/two-factor', {
			cookie: login.cookie,
			json: { recoveryCode: user.recoveryCodes[1]! }
		});
		expect(viaApi.status).toBe(200);
		expect(viaApi.body).toMatchObject({ recoveryCodeUsed: true, recoveryCodesLeft: 9 });

		const pending = await passwordStep(user.email);
		const totp = await api('/login/two-factor?/verify&redirectTo=%2Flibrary', {
			cookie: pending,
			body: form({ code: codeAt(user.key, user.step) }),
			headers: asBrowserForm
		});
		expect(totp.headers.get('location')).toBe('/library');

		const again = await api('/api/v1/auth/login', {
			json: { email: user.email, password: TWO_FACTOR_PASSWORD }
		});
		const totpApi = await api('/api/v1/auth/two-factor', {
			cookie: again.cookie,
			json: { code: codeAt(user.key, user.step + 1) }
		});
		expect(totpApi.status).toBe(200);
		expect(totpApi.body.recoveryCodeUsed).toBeUndefined();
		// The settings page shows no notice when nothing asked for it.
		const plain = await api('/account/two-factor', { cookie: totpApi.cookie });
		expect(String(plain.body)).not.toContain('recovery-code-notice');
	});
});
