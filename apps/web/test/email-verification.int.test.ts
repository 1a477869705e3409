import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { mailTo, waitForMail } from '../../../tests/mail-catcher.ts';
import { randomIp } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import {
	linkToken,
	mailedToken,
	register,
	settle,
	sha256,
	testDb,
	verify,
	VERIFY_SUBJECT
} from './email-client.ts';

const me = async (cookie: string) => (await api('/api/v1/me', { cookie })).body.user;

describe('email verification', () => {
	it('sign-up mails a link on the public origin; the account works unverified; the link works once', async () => {
		const { email, cookie, since } = await register();
		expect(await me(cookie)).toMatchObject({ email, emailVerified: false });

		const token = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		const res = await verify(token);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ purpose: 'verify', email });
		expect(await me(cookie)).toMatchObject({ emailVerified: true });

		const again = await verify(token);
		expect(again.status).toBe(400);
		expect(again.body.error.code).toBe('INVALID_TOKEN');
	});

	it('opening the link (GET) does not use it: mail scanners prefetch links', async () => {
		const { email, cookie, since } = await register();
		const token = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		for (let i = 0; i < 2; i++) {
			const page = await api(`/verify-email?token=${token}`);
			expect(page.status).toBe(200);
			expect(page.body).toContain('Confirm email');
			// The token is in the URL: the page never passes it on in a Referer.
			expect(page.body).toContain('<meta name="referrer" content="no-referrer"');
		}
		expect(await me(cookie)).toMatchObject({ emailVerified: false });
		expect((await verify(token)).status).toBe(200);
	});

	it('the token has 256 random bits and only its SHA-256 is stored, expiring in 24 h', async () => {
		const { email, user, since } = await register();
		const token = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
		const rows = await testDb().emailToken.findMany({ where: { userId: user.id } });
		expect(rows).toHaveLength(1);
		expect(rows[0]!.purpose).toBe('verify');
		expect(Buffer.from(rows[0]!.tokenHash).equals(sha256(token))).toBe(true);
		expect(Buffer.from(rows[0]!.tokenHash).toString('base64url')).not.toBe(token);
		const ttlMs = rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime();
		expect(Math.abs(ttlMs - 24 * 3600_000)).toBeLessThan(5_000);
	});

	it('expired, malformed, unknown and empty tokens are 400 INVALID_TOKEN', async () => {
		const { email, user, cookie, since } = await register();
		const token = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		await testDb().emailToken.updateMany({
			where: { userId: user.id },
			data: { expiresAt: new Date(Date.now() - 1000) }
		});
		const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
		for (const bad of [token, flipped, 'not-a-token', '', token + 'x', "' OR 1=1 --"]) {
			const res = await verify(bad);
			expect(res.status, bad).toBe(400);
			expect(res.body.error.code, bad).toBe('INVALID_TOKEN');
		}
		expect(await me(cookie)).toMatchObject({ emailVerified: false });
		// The page says so too, without a confirm button.
		const page = await api(`/verify-email?token=${token}`);
		expect(page.body).toContain('invalid, expired or already used');
		expect(page.body).not.toContain('Confirm email</button>');
	});

	it('resend needs a session, invalidates older links and is rate-limited per account', async () => {
		const { email, cookie, since } = await register();
		const first = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		expect((await api('/api/v1/auth/verify-email/resend', { method: 'POST' })).status).toBe(401);

		const limit = 5; // RATE_LIMIT_EMAIL_PER_ACCOUNT default
		let latest = first;
		for (let i = 0; i < limit; i++) {
			const t = Date.now();
			// A new client address each time: the limit is per account, not per address.
			const res = await api('/api/v1/auth/verify-email/resend', {
				method: 'POST',
				cookie,
				ip: randomIp()
			});
			expect(res.status).toBe(202);
			const next = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', t);
			expect(next).not.toBe(latest);
			latest = next;
		}
		const t = Date.now();
		const limited = await api('/api/v1/auth/verify-email/resend', {
			method: 'POST',
			cookie,
			ip: randomIp()
		});
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe('RATE_LIMITED');
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		await settle();
		expect(await mailTo(inject('mailDir'), email, t)).toHaveLength(0);

		// Only the newest link works.
		expect((await verify(first)).status).toBe(400);
		expect((await verify(latest)).status).toBe(200);
		// Verified: nothing left to resend.
		const done = await api('/api/v1/auth/verify-email/resend', { method: 'POST', cookie });
		expect(done.status).toBe(409);
	});

	it('a forged Host or X-Forwarded-Host header does not change the link', async () => {
		const { email, cookie } = await register();
		const since = Date.now();
		const web = new URL(inject('webUrl'));
		const status = await new Promise<number>((resolve, reject) => {
			const req = request(
				{
					host: web.hostname,
					port: web.port,
					path: '/api/v1/auth/verify-email/resend',
					method: 'POST',
					headers: {
						host: 'evil.example',
						'x-forwarded-host': 'evil.example',
						'x-forwarded-for': randomIp(),
						origin: inject('publicOrigin'),
						cookie
					}
				},
				(res) => {
					res.resume();
					resolve(res.statusCode ?? 0);
				}
			);
			req.on('error', reject);
			req.end();
		});
		expect(status).toBe(202);
		const mail = await waitForMail(inject('mailDir'), {
			to: email,
			subject: VERIFY_SUBJECT,
			since
		});
		expect(mail.text + mail.html).not.toContain('evil.example');
		linkToken(mail, '/verify-email');
	});

	it('a cross-site POST is refused (403) and uses nothing', async () => {
		const { email, cookie, since } = await register();
		const token = await mailedToken(email, VERIFY_SUBJECT, '/verify-email', since);
		const api403 = await api('/api/v1/auth/verify-email', {
			json: { token },
			headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
		});
		expect(api403.status).toBe(403);
		const form403 = await api('/verify-email', {
			body: new URLSearchParams({ token }),
			headers: {
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded'
			}
		});
		expect(form403.status).toBe(403);
		expect(await me(cookie)).toMatchObject({ emailVerified: false });

		// The same form from the app's own origin confirms.
		const ok = await api('/verify-email', {
			body: new URLSearchParams({ token }),
			headers: {
				origin: inject('publicOrigin'),
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'application/json'
			}
		});
		expect(ok.status).toBe(200);
		expect(ok.body.type).toBe('success');
		expect(await me(cookie)).toMatchObject({ emailVerified: true });
	});

	it('the development mailbox does not exist in production', async () => {
		expect((await api('/dev/mailbox')).status).toBe(404);
	});
});
