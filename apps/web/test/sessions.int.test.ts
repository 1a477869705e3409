// Sessions list and sign-out (one, others, all) and password change: only ever your own sessions.
import { describe, expect, inject, it } from 'vitest';
import { api } from './api-client.ts';
import { PASSWORD, registerAccount, signInAgain } from './account-client.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

async function ids(cookie: string): Promise<string[]> {
	const res = await api('/api/v1/me/sessions', { cookie });
	expect(res.status).toBe(200);
	return res.body.sessions.map((s: { id: string }) => s.id);
}

describe('GET /api/v1/me/sessions', () => {
	it('lists your live sessions with a device label, current first, without expired ones', async () => {
		const a = await registerAccount('Lister');
		const firefox = await signInAgain(a, FIREFOX);
		const other = await registerAccount('Other');

		const res = await api('/api/v1/me/sessions', { cookie: firefox });
		expect(res.status).toBe(200);
		const list = res.body.sessions as {
			id: string;
			current: boolean;
			device: string;
			userAgent: string | null;
			ip: string | null;
			createdAt: string;
			lastSeenAt: string;
			expiresAt: string;
		}[];
		expect(list).toHaveLength(2);
		expect(list[0]).toMatchObject({
			current: true,
			device: 'Firefox on Linux',
			userAgent: FIREFOX
		});
		expect(list[1]!.current).toBe(false);
		for (const s of list) {
			expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
			expect(s.id).not.toContain('.'); // never the token (id.secret)
			expect(JSON.stringify(s)).not.toContain(firefox.split('=')[1]!);
		}
		// The other user's sessions never show up.
		expect(list.map((s) => s.id)).not.toContain((await ids(other.cookie))[0]);

		// An expired session is not listed.
		const { testDb } = await import('./tracks-client.ts');
		await testDb().session.updateMany({
			where: { id: list[1]!.id },
			data: { expiresAt: new Date(Date.now() - 1000) }
		});
		expect(await ids(firefox)).toEqual([list[0]!.id]);
	});

	it('401 when not signed in', async () => {
		expect((await api('/api/v1/me/sessions')).status).toBe(401);
		expect((await api('/api/v1/me/sessions', { cookie: 'chorus_session=x.y' })).status).toBe(401);
	});
});

describe('DELETE /api/v1/me/sessions/[id]', () => {
	it('signs another of your sessions out: its cookie stops working', async () => {
		const a = await registerAccount();
		const second = await signInAgain(a);
		const [secondId] = await ids(second);
		const del = await a.call(`/api/v1/me/sessions/${secondId}`, { method: 'DELETE' });
		expect(del.status).toBe(204);
		expect(del.setCookie).toBeNull(); // not the current session: the cookie stays
		expect((await api('/api/v1/me', { cookie: second })).status).toBe(401);
		expect((await a.call('/api/v1/me')).status).toBe(200);
	});

	it("404 for another user's session (which stays signed in) and for unknown ids", async () => {
		const a = await registerAccount();
		const b = await registerAccount();
		const [bId] = await ids(b.cookie);
		const res = await a.call(`/api/v1/me/sessions/${bId}`, { method: 'DELETE' });
		expect(res.status).toBe(404);
		expect(res.body.error.code).toBe('NOT_FOUND');
		expect((await b.call('/api/v1/me')).status).toBe(200);
		expect((await a.call('/api/v1/me/sessions/nope', { method: 'DELETE' })).status).toBe(404);
	});

	it('signing out the current session clears the cookie', async () => {
		const a = await registerAccount();
		const [current] = await ids(a.cookie);
		const res = await a.call(`/api/v1/me/sessions/${current}`, { method: 'DELETE' });
		expect(res.status).toBe(204);
		expect(res.setCookie).toMatch(/chorus_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
		expect((await a.call('/api/v1/me')).status).toBe(401);
	});

	it('401 when not signed in, 403 cross-site', async () => {
		const a = await registerAccount();
		const [id] = await ids(a.cookie);
		expect((await api(`/api/v1/me/sessions/${id}`, { method: 'DELETE' })).status).toBe(401);
		const evil = await a.call(`/api/v1/me/sessions/${id}`, {
			method: 'DELETE',
			headers: { origin: 'https://evil.example' }
		});
		expect(evil.status).toBe(403);
		expect((await a.call('/api/v1/me')).status).toBe(200);
	});
});

describe('sign out everywhere', () => {
	it('revoke-others keeps only the current session; other users are untouched', async () => {
		const a = await registerAccount();
		const s2 = await signInAgain(a);
		const s3 = await signInAgain(a);
		const b = await registerAccount();
		const res = await a.call('/api/v1/me/sessions/revoke-others', { method: 'POST' });
		expect(res.status).toBe(200);
		expect(res.body.revoked).toBe(2);
		expect((await api('/api/v1/me', { cookie: s2 })).status).toBe(401);
		expect((await api('/api/v1/me', { cookie: s3 })).status).toBe(401);
		expect((await a.call('/api/v1/me')).status).toBe(200);
		expect((await b.call('/api/v1/me')).status).toBe(200);
	});

	it('revoke-all signs this session out too and clears the cookie', async () => {
		const a = await registerAccount();
		const s2 = await signInAgain(a);
		const res = await a.call('/api/v1/me/sessions/revoke-all', { method: 'POST' });
		expect(res.status).toBe(200);
		expect(res.body.revoked).toBe(2);
		expect(res.setCookie).toMatch(/chorus_session=;/);
		expect((await a.call('/api/v1/me')).status).toBe(401);
		expect((await api('/api/v1/me', { cookie: s2 })).status).toBe(401);
	});

	it('401 anonymous, 403 cross-site', async () => {
		for (const path of ['revoke-others', 'revoke-all'])
			expect((await api(`/api/v1/me/sessions/${path}`, { method: 'POST' })).status).toBe(401);
		const a = await registerAccount();
		await signInAgain(a);
		const evil = await a.call('/api/v1/me/sessions/revoke-all', {
			method: 'POST',
			headers: { 'sec-fetch-site': 'cross-site' }
		});
		expect(evil.status).toBe(403);
		expect(await ids(a.cookie)).toHaveLength(2);
	});
});

describe('POST /api/v1/me/password', () => {
	it('changes the password and signs every other session out', async () => {
		const a = await registerAccount();
		const s2 = await signInAgain(a);
		const res = await a.call('/api/v1/me/password', {
			json: { currentPassword: PASSWORD, newPassword: 'brand-new-password-9' }
		});
		expect(res.status).toBe(204);
		expect((await a.call('/api/v1/me')).status).toBe(200);
		expect((await api('/api/v1/me', { cookie: s2 })).status).toBe(401);
		const oldLogin = await api('/api/v1/auth/login', {
			json: { email: a.email, password: PASSWORD }
		});
		expect(oldLogin.status).toBe(401);
		const newLogin = await api('/api/v1/auth/login', {
			json: { email: a.email, password: 'brand-new-password-9' }
		});
		expect(newLogin.status).toBe(200);
	});

	it('rejects a wrong current password (sessions kept), then rate-limits with 429', async () => {
		const a = await registerAccount();
		const s2 = await signInAgain(a);
		const limit = inject('rateLimits').loginPerAccount;
		for (let i = 0; i < limit; i++) {
			const res = await a.call('/api/v1/me/password', {
				json: { currentPassword: `wrong-${i}-password`, newPassword: 'brand-new-password-9' }
			});
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
		}
		const limited = await a.call('/api/v1/me/password', {
			json: { currentPassword: PASSWORD, newPassword: 'brand-new-password-9' }
		});
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBeTruthy();
		expect((await api('/api/v1/me', { cookie: s2 })).status).toBe(200);
	});

	it('validates the new password, needs a session, refuses cross-site', async () => {
		const a = await registerAccount();
		const short = await a.call('/api/v1/me/password', {
			json: { currentPassword: PASSWORD, newPassword: 'short' }
		});
		expect(short.status).toBe(400);
		expect(short.body.error.code).toBe('VALIDATION');
		const anon = await api('/api/v1/me/password', {
			json: { currentPassword: PASSWORD, newPassword: 'brand-new-password-9' }
		});
		expect(anon.status).toBe(401);
		const evil = await a.call('/api/v1/me/password', {
			json: { currentPassword: PASSWORD, newPassword: 'brand-new-password-9' },
			headers: { origin: 'https://evil.example' }
		});
		expect(evil.status).toBe(403);
		expect(
			(await api('/api/v1/auth/login', { json: { email: a.email, password: PASSWORD } })).status
		).toBe(200);
	});
});

describe('account page forms', () => {
	const post = (
		a: { cookie: string },
		path: string,
		fields: Record<string, string>,
		headers = {}
	) =>
		api(path, {
			cookie: a.cookie,
			body: new URLSearchParams(fields).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }
		});

	it('refuse cross-site posts (sessions, password, delete) and work same-origin', async () => {
		const a = await registerAccount('Former');
		const s2 = await signInAgain(a);
		const evil = { origin: 'https://evil.example' };
		expect((await post(a, '/account/sessions?/revokeAll', {}, evil)).status).toBe(403);
		expect((await post(a, '/account/sessions?/revokeOthers', {}, evil)).status).toBe(403);
		expect(
			(
				await post(
					a,
					'/account/password',
					{ currentPassword: PASSWORD, newPassword: 'brand-new-password-9' },
					evil
				)
			).status
		).toBe(403);
		expect(
			(await post(a, '/account/delete', { confirm: a.email, password: PASSWORD }, evil)).status
		).toBe(403);
		expect(await ids(a.cookie)).toHaveLength(2);

		const same = { origin: inject('publicOrigin'), 'sec-fetch-site': 'same-origin' };
		const others = await post(a, '/account/sessions?/revokeOthers', {}, same);
		expect(others.status).toBe(200);
		expect((await api('/api/v1/me', { cookie: s2 })).status).toBe(401);
		expect(await ids(a.cookie)).toHaveLength(1);
	});

	it("the sessions form cannot sign out another user's session", async () => {
		const a = await registerAccount();
		const b = await registerAccount();
		const [bId] = await ids(b.cookie);
		const same = { origin: inject('publicOrigin'), 'sec-fetch-site': 'same-origin' };
		const res = await post(a, '/account/sessions?/revoke', { id: bId! }, same);
		expect(JSON.stringify(res.body)).toContain('already ended');
		expect((await b.call('/api/v1/me')).status).toBe(200);
	});
});
