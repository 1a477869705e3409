import { describe, expect, inject, it } from 'vitest';
import { mailTo, waitForMail } from '../../../tests/mail-catcher.ts';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import {
	CHANGE_NOTICE_SUBJECT,
	CHANGE_SUBJECT,
	confirmReset,
	login,
	mailedToken,
	PASSWORD,
	register,
	requestReset,
	RESET_SUBJECT,
	settle,
	verify,
	VERIFY_SUBJECT
} from './email-client.ts';

const change = (cookie: string | null, json: Record<string, unknown>) =>
	api('/api/v1/me/email', { json, cookie });
const me = async (cookie: string) => (await api('/api/v1/me', { cookie })).body.user;

describe('email change', () => {
	it('mails a link to the new address and a notice to the old; changes only on confirm', async () => {
		const { email, cookie, since } = await register();
		const verifyToken = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		const resetLink = await (async () => {
			const t = Date.now();
			await requestReset(email);
			return mailedToken(email, RESET_SUBJECT, '/reset-password', t);
		})();
		const next = uniqueEmail('new');
		const t = Date.now();
		const res = await change(cookie, { email: next.toUpperCase(), currentPassword: PASSWORD });
		expect(res.status).toBe(202);
		const notice = await waitForMail(inject('mailDir'), {
			to: email,
			subject: CHANGE_NOTICE_SUBJECT,
			since: t
		});
		expect(notice.text).toContain(next);
		expect(notice.text).not.toMatch(/token=/);
		const token = await mailedToken(next, CHANGE_SUBJECT, '/verify-email', t);
		expect(await me(cookie)).toMatchObject({ email, emailVerified: false });

		// The page shows what the link will do before anything changes.
		const page = await api(`/verify-email?token=${token}`);
		expect(page.body).toContain(next);
		expect(await me(cookie)).toMatchObject({ email });

		const done = await verify(token);
		expect(done.status).toBe(200);
		expect(done.body).toEqual({ purpose: 'change', email: next });
		expect(await me(cookie)).toMatchObject({ email: next, emailVerified: true });
		expect((await verify(token)).status).toBe(400);
		expect((await login(next, PASSWORD)).status).toBe(200);
		expect((await login(email, PASSWORD)).status).toBe(401);

		// Links sent to the old address are dead now.
		expect((await verify(verifyToken)).status).toBe(400);
		expect((await confirmReset({ token: resetLink, password: 'taken-over-99' })).status).toBe(400);
	});

	it('needs the right current password (400) and sends nothing otherwise', async () => {
		const { cookie } = await register();
		const next = uniqueEmail('new');
		const since = Date.now();
		for (const body of [{ email: next }, { email: next, currentPassword: 'wrong-password-1' }]) {
			const res = await change(cookie, body);
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
		}
		await settle();
		expect(await mailTo(inject('mailDir'), next, since)).toHaveLength(0);
		expect((await change(null, { email: next, currentPassword: PASSWORD })).status).toBe(401);
	});

	it('409 for an address taken already, and for one taken before the link is used', async () => {
		const { cookie, email } = await register();
		const other = await register('other');
		const taken = await change(cookie, { email: other.email, currentPassword: PASSWORD });
		expect(taken.status).toBe(409);
		expect(taken.body.error.code).toBe('EMAIL_TAKEN');
		const same = await change(cookie, { email, currentPassword: PASSWORD });
		expect(same.status).toBe(400);

		const next = uniqueEmail('race');
		const t = Date.now();
		expect((await change(cookie, { email: next, currentPassword: PASSWORD })).status).toBe(202);
		const token = await mailedToken(next, CHANGE_SUBJECT, '/verify-email', t);
		const squatter = await api('/api/v1/auth/register', {
			json: { email: next, password: PASSWORD, displayName: 'Squatter' }
		});
		expect(squatter.status).toBe(201);
		const res = await verify(token);
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe('EMAIL_TAKEN');
		expect(await me(cookie)).toMatchObject({ email });
	});

	it('is rate-limited per account', async () => {
		const { cookie } = await register();
		for (let i = 0; i < 5; i++)
			expect(
				(await change(cookie, { email: uniqueEmail('n'), currentPassword: PASSWORD })).status
			).toBe(202);
		const limited = await change(cookie, { email: uniqueEmail('n'), currentPassword: PASSWORD });
		expect(limited.status).toBe(429);
	});

	it('a cross-site POST is refused (403)', async () => {
		const { cookie } = await register();
		const next = uniqueEmail('csrf');
		const since = Date.now();
		const res = await api('/api/v1/me/email', {
			json: { email: next, currentPassword: PASSWORD },
			cookie,
			headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
		});
		expect(res.status).toBe(403);
		const form = await api('/account/email?/change', {
			body: new URLSearchParams({ email: next, currentPassword: PASSWORD }),
			cookie,
			headers: {
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded'
			}
		});
		expect(form.status).toBe(403);
		await settle();
		expect(await mailTo(inject('mailDir'), next, since)).toHaveLength(0);
	});
});
