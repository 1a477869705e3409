// Every place a password is set refuses common and breached-like ones (422 WEAK_PASSWORD).
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import {
	confirmReset,
	login,
	mailedToken,
	PASSWORD,
	register,
	requestReset,
	RESET_SUBJECT
} from './email-client.ts';
import { createInvite, createRoom, joinAsGuest, person } from './rooms-client.ts';

const WEAK = ['password1234', 'qwertyuiop', 'iloveyou2024', 'P@ssw0rd123'];
const STRONG = 'saffron-tapir-glacier-3';

const asBrowserForm = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function expectWeak(res: { status: number; body: any }, field = 'password') {
	expect(res.status).toBe(422);
	expect(res.body.error).toMatchObject({
		code: 'WEAK_PASSWORD',
		message: expect.stringMatching(/stronger password/i),
		issues: [{ path: [field], message: expect.any(String) }]
	});
}

describe('weak passwords', () => {
	it('sign-up (API) refuses them, and one built from the account name and email', async () => {
		for (const password of WEAK) {
			const email = uniqueEmail('weak');
			const res = await api('/api/v1/auth/register', {
				json: { email, password, displayName: 'Wes' }
			});
			expectWeak(res);
			expect(res.cookie).toBeNull();
			expect((await login(email, password)).status).toBe(401); // no account was made
		}
		const own = await api('/api/v1/auth/register', {
			json: {
				email: 'bartholomew.quist@test.chorus',
				password: 'bartholomewquist',
				displayName: 'Bartholomew Quist'
			}
		});
		expectWeak(own);
		const ok = await api('/api/v1/auth/register', {
			json: { email: uniqueEmail('weak'), password: STRONG, displayName: 'Wes' }
		});
		expect(ok.status).toBe(201);
	});

	it('the sign-up form refuses them with the reason on the page', async () => {
		const res = await api('/register', {
			body: form({ email: uniqueEmail('weak'), password: 'password1234', displayName: 'Wes' }),
			headers: asBrowserForm
		});
		expect(res.status).toBe(422);
		expect(String(res.body)).toMatch(/stronger password/i);
		expect(res.cookie).toBeNull();
	});

	it('changing the password refuses them (API and form); the old one keeps working', async () => {
		const { email, cookie } = await register('weak');
		for (const newPassword of WEAK) {
			const res = await api('/api/v1/me/password', {
				cookie,
				json: { currentPassword: PASSWORD, newPassword }
			});
			expectWeak(res, 'newPassword');
		}
		const viaForm = await api('/account/password', {
			cookie,
			body: form({ currentPassword: PASSWORD, newPassword: 'qwertyuiop' }),
			headers: asBrowserForm
		});
		expect(viaForm.status).toBe(422);
		expect(String(viaForm.body)).toMatch(/stronger password/i);
		expect((await login(email, PASSWORD)).status).toBe(200);
		expect((await login(email, 'qwertyuiop')).status).toBe(401);
	});

	it('a password reset refuses them without spending the link (API and form)', async () => {
		const { email } = await register('weak');
		const since = Date.now();
		expect((await requestReset(email)).status).toBe(202);
		const token = await mailedToken(email, RESET_SUBJECT, '/reset-password', since);
		expectWeak(await confirmReset({ token, password: 'password1234' }));
		const viaForm = await api('/reset-password', {
			body: form({ token, password: 'qwertyuiop' }),
			headers: asBrowserForm
		});
		expect(viaForm.status).toBe(422);
		expect(String(viaForm.body)).toMatch(/stronger password/i);
		expect((await login(email, PASSWORD)).status).toBe(200);
		// The link still works for a good password.
		expect((await confirmReset({ token, password: STRONG })).status).toBe(204);
		expect((await login(email, STRONG)).status).toBe(200);
	});

	it('claiming a guest account refuses them', async () => {
		const host = await person('Host');
		const room = await createRoom(host, { name: 'Claim room' });
		const invite = await createInvite(host, room.id);
		const guest = await joinAsGuest(invite.token, 'Gus');
		expect(guest.status).toBe(200);
		const email = uniqueEmail('claim');
		for (const password of WEAK) {
			const res = await api('/api/v1/account/claim', {
				cookie: guest.cookie,
				json: { email, password }
			});
			expectWeak(res);
		}
		const me = await api('/api/v1/me', { cookie: guest.cookie });
		expect(me.body.user).toMatchObject({ isGuest: true, email: null });
		const ok = await api('/api/v1/account/claim', {
			cookie: guest.cookie,
			json: { email, password: STRONG }
		});
		expect(ok.status).toBe(200);
	});
});
