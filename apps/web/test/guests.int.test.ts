import { describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { waitForMail } from '../../../tests/mail-catcher.ts';
import { api } from './api-client.ts';
import {
	accept,
	as,
	createInvite,
	createRoom,
	joinAsGuest,
	person,
	PASSWORD
} from './rooms-client.ts';
import { testDb } from './tracks-client.ts';

async function guestIn() {
	const host = await person('Host');
	const room = await createRoom(host, { name: 'Guest room' });
	const invite = await createInvite(host, room.id);
	const res = await joinAsGuest(invite.token, '  Gus  ');
	expect(res.status).toBe(200);
	return { host, room, invite, res, guest: { cookie: res.cookie!, user: res.body.user } };
}

describe('joining as a guest', () => {
	it('creates a guest account with a session and makes it a listener', async () => {
		const { room, res, guest } = await guestIn();
		expect(res.body).toEqual({
			room,
			user: {
				id: expect.any(String),
				email: null,
				displayName: 'Gus',
				isGuest: true,
				emailVerified: false,
				avatarUrl: null,
				twoFactorEnabled: false
			}
		});
		// The same hardened cookie as sign-in.
		expect(res.setCookie).toMatch(/chorus_session=[a-z2-9]{24}\.[a-z2-9]{24}/);
		expect(res.setCookie).toMatch(/HttpOnly/i);
		expect(res.setCookie).toMatch(/SameSite=Lax/i);
		expect(res.setCookie).toMatch(/Secure/i);
		expect(res.setCookie).toMatch(/Path=\//);

		const me = await api('/api/v1/me', { cookie: guest.cookie });
		expect(me.status).toBe(200);
		expect(me.body.user).toEqual(res.body.user);
		const rooms = await api('/api/v1/rooms', { cookie: guest.cookie });
		expect(rooms.body.rooms).toEqual([
			{ room, role: 'listener', memberCount: 2, nowPlaying: null }
		]);
		const row = await testDb().user.findUniqueOrThrow({ where: { id: guest.user.id } });
		expect(row).toMatchObject({ isGuest: true, email: null, passwordHash: null });
	});

	it.each([
		['no body', undefined, /display name/i],
		['an empty object', {}, /display name/i],
		['a blank name', { displayName: '   ' }, /display name/i],
		['a long name', { displayName: 'x'.repeat(65) }, /display name/i],
		['a control character', { displayName: 'a\u202Eb' }, /display name/i],
		['an unknown field', { displayName: 'Gus', role: 'host' }, /role|unrecognized/i]
	])('400 for an anonymous accept with %s', async (_what, json, message) => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const res =
			json === undefined
				? await accept(invite.token, null)
				: await api(`/api/v1/invites/${invite.token}/accept`, { json });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('VALIDATION');
		expect(res.body.error.message).toMatch(message);
		expect(res.cookie).toBeNull();
		const row = await testDb().roomInvite.findUniqueOrThrow({ where: { id: invite.id } });
		expect(row.uses).toBe(0);
	});

	it('a signed-in guest accepting another invite joins as itself, no second account', async () => {
		const { guest } = await guestIn();
		const other = await person();
		const room2 = await createRoom(other, { name: 'Second' });
		const invite2 = await createInvite(other, room2.id);
		const res = await api(`/api/v1/invites/${invite2.token}/accept`, {
			json: { displayName: 'Ignored' },
			cookie: guest.cookie
		});
		expect(res.status).toBe(200);
		expect(res.body.user).toEqual(guest.user);
		expect(res.cookie).toBeNull();
	});
});

describe('POST /api/v1/account/claim', () => {
	it('turns a guest into a full account that keeps its rooms and can sign in', async () => {
		const { room, guest } = await guestIn();
		const email = uniqueEmail('claim');
		const res = await api(
			'/api/v1/account/claim',
			as(guest, { json: { email: `  ${email.toUpperCase()} `, password: PASSWORD } })
		);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			user: {
				id: guest.user.id,
				email,
				displayName: 'Gus',
				isGuest: false,
				emailVerified: false,
				avatarUrl: null,
				twoFactorEnabled: false
			}
		});
		// Like a sign-up, the new address gets a verification link.
		const mail = await waitForMail(inject('mailDir'), { to: email, subject: /verify|confirm/i });
		expect(mail.text).toContain(`${inject('publicOrigin')}/verify-email?token=`);
		// The current session goes on, now as a full account.
		const me = await api('/api/v1/me', { cookie: guest.cookie });
		expect(me.body.user.isGuest).toBe(false);
		const login = await api('/api/v1/auth/login', { json: { email, password: PASSWORD } });
		expect(login.status).toBe(200);
		expect(login.body.user).toEqual(res.body.user);
		const rooms = await api('/api/v1/rooms', { cookie: login.cookie });
		expect(rooms.body.rooms.map((r: { room: { id: string } }) => r.room.id)).toEqual([room.id]);

		// Claiming twice is a conflict.
		const again = await api(
			'/api/v1/account/claim',
			as(guest, { json: { email: uniqueEmail(), password: PASSWORD } })
		);
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('CONFLICT');
	});

	it('409 CONFLICT for a regular account, 409 EMAIL_TAKEN for a used email', async () => {
		const regular = await person();
		const notGuest = await api(
			'/api/v1/account/claim',
			as(regular, { json: { email: uniqueEmail(), password: PASSWORD } })
		);
		expect(notGuest.status).toBe(409);
		expect(notGuest.body.error.code).toBe('CONFLICT');

		const { guest } = await guestIn();
		const taken = await api(
			'/api/v1/account/claim',
			as(guest, { json: { email: regular.email.toUpperCase(), password: PASSWORD } })
		);
		expect(taken.status).toBe(409);
		expect(taken.body.error.code).toBe('EMAIL_TAKEN');
		const row = await testDb().user.findUniqueOrThrow({ where: { id: guest.user.id } });
		expect(row).toMatchObject({ isGuest: true, email: null, passwordHash: null });
	});

	it('400 for bad input, 401 without a session, 403 cross-site', async () => {
		const { guest } = await guestIn();
		const short = await api(
			'/api/v1/account/claim',
			as(guest, { json: { email: uniqueEmail(), password: 'short' } })
		);
		expect(short.status).toBe(400);
		expect(short.body.error.message).toMatch(/password/i);
		const badEmail = await api(
			'/api/v1/account/claim',
			as(guest, { json: { email: 'nope', password: PASSWORD } })
		);
		expect(badEmail.status).toBe(400);
		expect(badEmail.body.error.message).toMatch(/email/i);
		const anon = await api('/api/v1/account/claim', {
			json: { email: uniqueEmail(), password: PASSWORD }
		});
		expect(anon.status).toBe(401);
		const evil = await api(
			'/api/v1/account/claim',
			as(guest, {
				json: { email: uniqueEmail(), password: PASSWORD },
				headers: { origin: 'https://evil.example' }
			})
		);
		expect(evil.status).toBe(403);
		const row = await testDb().user.findUniqueOrThrow({ where: { id: guest.user.id } });
		expect(row.isGuest).toBe(true);
	});

	it('the /account page offers guests the claim form, and its action claims', async () => {
		const { guest } = await guestIn();
		const page = await api('/account', as(guest));
		expect(page.status).toBe(200);
		expect(page.body).toContain('Claim your account');
		const regular = await person();
		expect((await api('/account', as(regular))).body).not.toContain('Claim your account');

		const email = uniqueEmail('form');
		const res = await api('/account?/claim', {
			method: 'POST',
			cookie: guest.cookie,
			body: new URLSearchParams({ email, password: PASSWORD }).toString(),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: inject('publicOrigin')
			}
		});
		expect(res.status).toBe(200);
		expect(res.body).toContain('Your account is saved');
		expect(res.body).not.toContain('Claim your account');
		const me = await api('/api/v1/me', { cookie: guest.cookie });
		expect(me.body.user).toMatchObject({ email, isGuest: false });
	});
});
