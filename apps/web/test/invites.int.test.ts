import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { randomIp } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import {
	accept,
	as,
	createInvite,
	createRoom,
	joinAsGuest,
	person,
	roomWithListener
} from './rooms-client.ts';
import { testDb } from './tracks-client.ts';

const DAY_SEC = 24 * 3600;
const preview = (token: string, ip?: string) => api(`/api/v1/invites/${token}`, ip ? { ip } : {});
const inviteRow = (id: string) => testDb().roomInvite.findUniqueOrThrow({ where: { id } });

describe('POST /api/v1/rooms/:id/invites', () => {
	it('creates a link on the configured origin; only the SHA-256 of its token is stored', async () => {
		const host = await person();
		const room = await createRoom(host);
		const before = Date.now();
		const invite = await createInvite(host, room.id, { expiresInSec: 3600, maxUses: 5 });
		expect(invite.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(invite.url).toBe(`${inject('publicOrigin')}/invite/${invite.token}`);
		expect(invite.maxUses).toBe(5);
		const expires = Date.parse(invite.expiresAt!);
		expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
		expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

		const row = await inviteRow(invite.id);
		expect(Buffer.from(row.tokenHash)).toEqual(createHash('sha256').update(invite.token).digest());
		expect(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
			invite.token
		);
		// Two links are never the same.
		expect((await createInvite(host, room.id)).token).not.toBe(invite.token);
	});

	it('defaults to a week and unlimited uses; null means never expires; no body is fine', async () => {
		const host = await person();
		const room = await createRoom(host);
		const week = await createInvite(host, room.id);
		expect(Date.parse(week.expiresAt!) - Date.now()).toBeGreaterThan(7 * DAY_SEC * 1000 - 60_000);
		expect(week.maxUses).toBeNull();
		const forever = await createInvite(host, room.id, { expiresInSec: null, maxUses: null });
		expect(forever.expiresAt).toBeNull();
		const bare = await api(`/api/v1/rooms/${room.id}/invites`, as(host, { method: 'POST' }));
		expect(bare.status).toBe(201);
	});

	it('ignores a forged Host header when building the link', async () => {
		const host = await person();
		const room = await createRoom(host);
		const url = new URL(`${inject('webUrl')}/api/v1/rooms/${room.id}/invites`);
		const body = await new Promise<string>((resolve, reject) => {
			const req = httpRequest(
				url,
				{
					method: 'POST',
					headers: {
						host: 'evil.example',
						origin: inject('publicOrigin'),
						cookie: host.cookie,
						'content-type': 'application/json',
						'x-forwarded-for': randomIp()
					}
				},
				(res) => {
					let data = '';
					res.on('data', (c) => (data += c));
					res.on('end', () => resolve(data));
				}
			);
			req.on('error', reject);
			req.end('{}');
		});
		const { invite } = JSON.parse(body);
		expect(invite.url).toBe(`${inject('publicOrigin')}/invite/${invite.token}`);
	});

	it.each([
		['expiresInSec below a minute', { expiresInSec: 59 }, /expiresInSec/],
		['expiresInSec above 30 days', { expiresInSec: 30 * DAY_SEC + 1 }, /expiresInSec/],
		['a fractional expiresInSec', { expiresInSec: 90.5 }, /expiresInSec/],
		['maxUses 0', { maxUses: 0 }, /maxUses/],
		['maxUses above 10000', { maxUses: 10_001 }, /maxUses/],
		['maxUses as a string', { maxUses: '5' }, /maxUses/],
		['an unknown field', { roomId: 'x' }, /roomId|unrecognized/i]
	])('400 for %s', async (_what, json, message) => {
		const host = await person();
		const room = await createRoom(host);
		const res = await api(`/api/v1/rooms/${room.id}/invites`, as(host, { json }));
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('VALIDATION');
		expect(res.body.error.message).toMatch(message);
	});

	it('accepts the bounds themselves', async () => {
		const host = await person();
		const room = await createRoom(host);
		await createInvite(host, room.id, { expiresInSec: 60, maxUses: 1 });
		await createInvite(host, room.id, { expiresInSec: 30 * DAY_SEC, maxUses: 10_000 });
	});

	it('lets co-hosts invite; listeners get 403, non-members 404, strangers to CSRF 403', async () => {
		const { host, listener, room } = await roomWithListener();
		const path = `/api/v1/rooms/${room.id}/invites`;
		const denied = await api(path, as(listener, { json: {} }));
		expect(denied.status).toBe(403);
		expect(denied.body.error.code).toBe('FORBIDDEN');
		expect((await api(path, as(listener))).status).toBe(403);

		await testDb().roomMember.update({
			where: { roomId_userId: { roomId: room.id, userId: listener.user.id } },
			data: { role: 'cohost' }
		});
		expect((await api(path, as(listener, { json: {} }))).status).toBe(201);

		const stranger = await person();
		const notMember = await api(path, as(stranger, { json: {} }));
		expect(notMember.status).toBe(404);
		expect(notMember.body.error.code).toBe('NOT_FOUND');

		const evil = await api(
			path,
			as(host, { json: {}, headers: { origin: 'https://evil.example' } })
		);
		expect(evil.status).toBe(403);
		expect((await api(path, { json: {} })).status).toBe(401);
	});
});

describe('GET and DELETE /api/v1/rooms/:id/invites', () => {
	it('lists invites with uses, views and state but no tokens, and revokes them', async () => {
		const host = await person();
		const room = await createRoom(host);
		const active = await createInvite(host, room.id, { maxUses: 1 });
		const expired = await createInvite(host, room.id);
		const revoked = await createInvite(host, room.id);
		await testDb().roomInvite.update({
			where: { id: expired.id },
			data: { expiresAt: new Date(Date.now() - 1000) }
		});
		const del = await api(
			`/api/v1/rooms/${room.id}/invites/${revoked.id}`,
			as(host, {
				method: 'DELETE'
			})
		);
		expect(del.status).toBe(204);
		// Revoking again is fine and keeps the first time.
		const first = (await inviteRow(revoked.id)).revokedAt;
		expect(
			(await api(`/api/v1/rooms/${room.id}/invites/${revoked.id}`, as(host, { method: 'DELETE' })))
				.status
		).toBe(204);
		expect((await inviteRow(revoked.id)).revokedAt).toEqual(first);

		expect((await preview(active.token)).status).toBe(200);
		expect((await preview(active.token)).status).toBe(200);
		const res = await api(`/api/v1/rooms/${room.id}/invites`, as(host));
		expect(res.status).toBe(200);
		const byId = Object.fromEntries(
			res.body.invites.map((i: { id: string }) => [i.id, i])
		) as Record<string, Record<string, unknown>>;
		expect(byId[active.id]).toEqual({
			id: active.id,
			createdBy: host.user.id,
			createdAt: expect.any(String),
			expiresAt: active.expiresAt,
			maxUses: 1,
			uses: 0,
			views: 2,
			revokedAt: null,
			state: 'active'
		});
		expect(byId[expired.id]!.state).toBe('expired');
		expect(byId[revoked.id]!.state).toBe('revoked');
		expect(byId[revoked.id]!.revokedAt).toEqual(expect.any(String));
		expect(JSON.stringify(res.body)).not.toContain(active.token);

		expect((await joinAsGuest(active.token, 'Gus')).status).toBe(200);
		const after = await api(`/api/v1/rooms/${room.id}/invites`, as(host));
		const used = after.body.invites.find((i: { id: string }) => i.id === active.id);
		expect(used).toMatchObject({ uses: 1, state: 'used-up' });
	});

	it('404 for an invite of another room or an unknown id; 403 for listeners', async () => {
		const { host, listener, room } = await roomWithListener();
		const other = await createRoom(host, { name: 'Other' });
		const foreign = await createInvite(host, other.id);
		const del = (id: string, p = host) =>
			api(`/api/v1/rooms/${room.id}/invites/${id}`, as(p, { method: 'DELETE' }));
		expect((await del(foreign.id)).status).toBe(404);
		expect((await del('nope')).status).toBe(404);
		expect((await inviteRow(foreign.id)).revokedAt).toBeNull();
		const mine = await createInvite(host, room.id);
		expect((await del(mine.id, listener)).status).toBe(403);
		expect((await inviteRow(mine.id)).revokedAt).toBeNull();
	});
});

describe('GET /api/v1/invites/:token', () => {
	it('previews the room without a session and counts a view', async () => {
		const host = await person('Hanna');
		const room = await createRoom(host, { name: 'Vinyl club', description: 'Bring records' });
		const invite = await createInvite(host, room.id);
		const res = await preview(invite.token);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			room: { id: room.id, name: 'Vinyl club', description: 'Bring records' },
			hostName: 'Hanna',
			memberCount: 1
		});
		expect((await inviteRow(invite.id)).views).toBe(1);
		expect((await inviteRow(invite.id)).uses).toBe(0);
	});

	it('gives the same 410 for unknown, malformed, expired, revoked, used-up links and closed rooms', async () => {
		const host = await person();
		const room = await createRoom(host);
		const expired = await createInvite(host, room.id, { expiresInSec: 60 });
		await testDb().roomInvite.update({
			where: { id: expired.id },
			data: { expiresAt: new Date(Date.now() - 1) }
		});
		const revoked = await createInvite(host, room.id);
		await api(`/api/v1/rooms/${room.id}/invites/${revoked.id}`, as(host, { method: 'DELETE' }));
		const usedUp = await createInvite(host, room.id, { maxUses: 1 });
		expect((await joinAsGuest(usedUp.token, 'First')).status).toBe(200);
		const closedRoom = await createRoom(host, { name: 'Closed' });
		const closed = await createInvite(host, closedRoom.id);
		await testDb().room.update({ where: { id: closedRoom.id }, data: { closedAt: new Date() } });

		const unknown = await preview(randomBytes(32).toString('base64url'));
		expect(unknown.status).toBe(410);
		expect(unknown.body).toEqual({
			error: { code: 'GONE', message: 'This invite link is no longer valid' }
		});
		for (const token of [
			expired.token,
			revoked.token,
			usedUp.token,
			closed.token,
			'short',
			`${'a'.repeat(42)}~`
		]) {
			const res = await preview(token);
			expect(res.status, token).toBe(410);
			expect(res.body).toEqual(unknown.body);
			// And accepting them is refused the same way, by members and guests alike.
			const asGuest = await joinAsGuest(token, 'Late');
			expect(asGuest.status, token).toBe(410);
			expect(asGuest.body).toEqual(unknown.body);
			expect(asGuest.cookie).toBeNull();
			expect((await accept(token, host)).status).toBe(410);
		}
		// Failed checks count no views and spend no uses.
		expect((await inviteRow(expired.id)).views).toBe(0);
		expect((await inviteRow(usedUp.id)).uses).toBe(1);
	});
});

describe('POST /api/v1/invites/:token/accept', () => {
	it('joins a signed-in user as a listener; a second accept spends no use', async () => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id, { maxUses: 2 });
		const ann = await person('Ann');
		const res = await accept(invite.token, ann);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ room, user: ann.user });
		expect(res.cookie).toBeNull(); // the existing session stays
		expect((await inviteRow(invite.id)).uses).toBe(1);
		const again = await accept(invite.token, ann);
		expect(again.status).toBe(200);
		expect((await inviteRow(invite.id)).uses).toBe(1);
		// The host too is already a member.
		expect((await accept(invite.token, host)).status).toBe(200);
		expect((await inviteRow(invite.id)).uses).toBe(1);
		const member = await testDb().roomMember.findUniqueOrThrow({
			where: { roomId_userId: { roomId: room.id, userId: ann.user.id } }
		});
		expect(member.role).toBe('listener');
		expect((await api(`/api/v1/rooms/${room.id}`, as(ann))).status).toBe(200);
	});

	it('refuses banned users with 403 and spends nothing', async () => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const troll = await person('Troll');
		await testDb().roomBan.create({
			data: { roomId: room.id, userId: troll.user.id, bannedBy: host.user.id }
		});
		const res = await accept(invite.token, troll);
		expect(res.status).toBe(403);
		expect(res.body.error.code).toBe('FORBIDDEN');
		expect((await inviteRow(invite.id)).uses).toBe(0);
		expect(
			await testDb().roomMember.findUnique({
				where: { roomId_userId: { roomId: room.id, userId: troll.user.id } }
			})
		).toBeNull();
	});

	it('403 for a cross-site accept', async () => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const res = await joinAsGuest(invite.token, 'Evil', {
			headers: { origin: 'https://evil.example' }
		});
		expect(res.status).toBe(403);
		expect(res.cookie).toBeNull();
		expect((await inviteRow(invite.id)).uses).toBe(0);
	});

	it('never exceeds maxUses, however many accept at once', async () => {
		const host = await person();
		const room = await createRoom(host);
		const MAX_USES = 3;
		const invite = await createInvite(host, room.id, { maxUses: MAX_USES });
		const users = await Promise.all([1, 2, 3, 4, 5].map((i) => person(`Racer ${i}`)));
		const results = await Promise.all([
			...Array.from({ length: 20 }, (_, i) => joinAsGuest(invite.token, `Guest ${i}`)),
			...users.map((u) => accept(invite.token, u))
		]);
		const statuses = results.map((r) => r.status);
		expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_USES);
		expect(statuses.filter((s) => s !== 200).every((s) => s === 410)).toBe(true);
		expect((await inviteRow(invite.id)).uses).toBe(MAX_USES);
		expect(await testDb().roomMember.count({ where: { roomId: room.id } })).toBe(1 + MAX_USES);
		// Losers got no account either.
		const guests = results.filter((r) => r.status === 200 && r.body.user.isGuest).length;
		const newGuests = await testDb().user.count({
			where: { isGuest: true, memberships: { some: { roomId: room.id } } }
		});
		expect(newGuests).toBe(guests);
	});
});

describe('invite rate limit', () => {
	it('429 with Retry-After once an address used up its invite checks, for preview, accept and page', async () => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const ip = randomIp();
		const { invitePerIp } = inject('rateLimits');
		// Failed and successful checks count alike.
		for (let i = 0; i < invitePerIp; i++) {
			const res = await preview(i % 2 ? invite.token : `${'x'.repeat(43)}`, ip);
			expect(res.status).toBe(i % 2 ? 200 : 410);
		}
		const limited = await preview(invite.token, ip);
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe('RATE_LIMITED');
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		const joined = await joinAsGuest(invite.token, 'Spammer', { ip });
		expect(joined.status).toBe(429);
		expect(joined.cookie).toBeNull();
		const page = await api(`/invite/${invite.token}`, { ip });
		expect(page.status).toBe(429);
		// Another address is unaffected.
		expect((await preview(invite.token, randomIp())).status).toBe(200);
	});
});

describe('/invite/:token page', () => {
	const form = (token: string, fields: Record<string, string>, opts: { cookie?: string } = {}) =>
		api(`/invite/${token}`, {
			method: 'POST',
			body: new URLSearchParams(fields).toString(),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				// A browser without JavaScript: a full page or a redirect, not the enhance JSON.
				accept: 'text/html',
				origin: inject('publicOrigin')
			},
			cookie: opts.cookie ?? null
		});

	it('shows the room, host and member count with a guest form and a sign-in link', async () => {
		const host = await person('Hanna');
		const room = await createRoom(host, { name: 'Vinyl <club>' });
		const invite = await createInvite(host, room.id);
		const res = await api(`/invite/${invite.token}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const html = res.body as string;
		expect(html).toContain('Vinyl &lt;club>');
		expect(html).toContain('Hosted by Hanna');
		expect(html).toContain('1 member');
		expect(html).toMatch(/<label>\s*Display name\s*<input[^>]*name="displayName"/);
		expect(html).toContain('Join as guest');
		expect(html).toContain(`/login?redirectTo=${encodeURIComponent(`/invite/${invite.token}`)}`);
		expect((await inviteRow(invite.id)).views).toBe(1);
	});

	it('offers "Join room" when signed in, and "Open room" to members', async () => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const ann = await person('Ann');
		const page = await api(`/invite/${invite.token}`, as(ann));
		expect(page.body).toContain('Join room');
		expect(page.body).not.toContain('Join as guest');
		const joined = await form(invite.token, {}, { cookie: ann.cookie });
		expect(joined.status).toBe(303);
		expect(joined.headers.get('location')).toBe(`/rooms/${room.id}`);
		expect((await api(`/invite/${invite.token}`, as(ann))).body).toContain('Open room');
	});

	it('joins a guest through the form: session cookie and redirect to the room', async () => {
		const host = await person();
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const bad = await form(invite.token, { displayName: '   ' });
		expect(bad.status).toBe(400);
		expect(bad.body).toContain('Display name is required');
		expect(bad.cookie).toBeNull();

		const res = await form(invite.token, { displayName: 'Gina' });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/rooms/${room.id}`);
		expect(res.setCookie).toMatch(/HttpOnly/i);
		const me = await api('/api/v1/me', { cookie: res.cookie });
		expect(me.body.user).toEqual({
			id: expect.any(String),
			email: null,
			displayName: 'Gina',
			isGuest: true,
			emailVerified: false,
			avatarUrl: null,
			twoFactorEnabled: false
		});
	});

	it('renders the same 410 page for every unusable link', async () => {
		const host = await person();
		const room = await createRoom(host);
		const revoked = await createInvite(host, room.id);
		await api(`/api/v1/rooms/${room.id}/invites/${revoked.id}`, as(host, { method: 'DELETE' }));
		const unknown = await api(`/invite/${randomBytes(32).toString('base64url')}`);
		const gone = await api(`/invite/${revoked.token}`);
		for (const res of [unknown, gone]) {
			expect(res.status).toBe(410);
			expect(res.body).toContain('This invite link is no longer valid');
			expect(res.body).not.toContain(room.name);
		}
		// Joining through the form is refused too, and makes no account.
		const late = await form(revoked.token, { displayName: 'Late' });
		expect(late.status).toBe(410);
		expect(late.cookie).toBeNull();
	});
});
