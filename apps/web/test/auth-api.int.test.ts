import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { randomIp, uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';

const PASSWORD = 'correct-horse-9';

async function registered(ip = randomIp()) {
	const email = uniqueEmail();
	const res = await api('/api/v1/auth/register', {
		ip,
		json: { email, password: PASSWORD, displayName: 'Ann' }
	});
	expect(res.status).toBe(201);
	return { email, cookie: res.cookie!, user: res.body.user };
}

describe('POST /api/v1/auth/register', () => {
	it('creates the account, returns it and sets a hardened session cookie', async () => {
		const email = uniqueEmail();
		const res = await api('/api/v1/auth/register', {
			json: { email: `  ${email.toUpperCase()} `, password: PASSWORD, displayName: '  Ann  ' }
		});
		expect(res.status).toBe(201);
		expect(res.body).toEqual({
			user: {
				id: expect.any(String),
				email,
				displayName: 'Ann',
				isGuest: false,
				emailVerified: false,
				avatarUrl: null,
				twoFactorEnabled: false
			}
		});
		expect(res.body.user).not.toHaveProperty('passwordHash');
		expect(res.setCookie).toMatch(/chorus_session=[a-z2-9]{24}\.[a-z2-9]{24}/);
		expect(res.setCookie).toMatch(/HttpOnly/i);
		expect(res.setCookie).toMatch(/SameSite=Lax/i);
		expect(res.setCookie).toMatch(/Secure/i); // production build
		expect(res.setCookie).toMatch(/Path=\//);

		const me = await api('/api/v1/me', { cookie: res.cookie });
		expect(me.status).toBe(200);
		expect(me.body.user.email).toBe(email);
	});

	it('409 when the email is taken, whatever its case', async () => {
		const { email } = await registered();
		const res = await api('/api/v1/auth/register', {
			json: { email: email.toUpperCase(), password: PASSWORD, displayName: 'Other' }
		});
		expect(res.status).toBe(409);
		expect(res.body).toEqual({ error: { code: 'EMAIL_TAKEN', message: expect.any(String) } });
		expect(res.cookie).toBeNull();
	});

	it.each([
		['a bad email', { email: 'nope', password: PASSWORD, displayName: 'A' }, /email/i],
		[
			'a 7-character password',
			{ email: uniqueEmail(), password: '1234567', displayName: 'A' },
			/password/i
		],
		[
			'a 257-character password',
			{ email: uniqueEmail(), password: 'x'.repeat(257), displayName: 'A' },
			/password/i
		],
		[
			'an empty display name',
			{ email: uniqueEmail(), password: PASSWORD, displayName: '  ' },
			/display name/i
		],
		['a missing field', { email: uniqueEmail(), password: PASSWORD }, /displayName/],
		[
			'an unknown field',
			{ email: uniqueEmail(), password: PASSWORD, displayName: 'A', admin: true },
			/admin|unrecognized/i
		],
		['a non-object', ['x'], /object/i]
	])('400 for %s', async (_name, json, message) => {
		const res = await api('/api/v1/auth/register', { json });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('VALIDATION');
		expect(res.body.error.message).toMatch(message);
		expect(res.cookie).toBeNull();
	});

	it('accepts a 256-character password', async () => {
		const res = await api('/api/v1/auth/register', {
			// Random, not 'p' x 256: a repeated character is refused as too guessable.
			json: {
				email: uniqueEmail(),
				password: randomBytes(128).toString('hex'),
				displayName: 'Long'
			}
		});
		expect(res.status).toBe(201);
	});

	it('400 for malformed JSON, 415 for another media type', async () => {
		const bad = await api('/api/v1/auth/register', {
			body: '{"email":',
			headers: { 'content-type': 'application/json' }
		});
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe('VALIDATION');
		const xml = await api('/api/v1/auth/register', {
			body: '<email>a@b.c</email>',
			headers: { 'content-type': 'application/xml' }
		});
		expect(xml.status).toBe(415);
		expect(xml.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
	});

	it('429 after too many sign-ups from one address', async () => {
		const ip = randomIp();
		const { registerPerIp } = inject('rateLimits');
		for (let i = 0; i < registerPerIp; i++) await registered(ip);
		const res = await api('/api/v1/auth/register', {
			ip,
			json: { email: uniqueEmail(), password: PASSWORD, displayName: 'Late' }
		});
		expect(res.status).toBe(429);
		expect(res.body.error.code).toBe('RATE_LIMITED');
		expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
		// Another address is unaffected.
		await registered(randomIp());
	});
});

describe('POST /api/v1/auth/login', () => {
	it('signs in with a new session cookie', async () => {
		const { email, cookie: first } = await registered();
		const res = await api('/api/v1/auth/login', {
			json: { email: email.toUpperCase(), password: PASSWORD }
		});
		expect(res.status).toBe(200);
		expect(res.body.user.email).toBe(email);
		expect(res.cookie).toBeTruthy();
		expect(res.cookie).not.toBe(first);
		expect((await api('/api/v1/me', { cookie: res.cookie })).status).toBe(200);
	});

	it('gives the same 401 for a wrong password and for an unknown email', async () => {
		const { email } = await registered();
		const wrong = await api('/api/v1/auth/login', { json: { email, password: 'wrong-password' } });
		const unknown = await api('/api/v1/auth/login', {
			json: { email: uniqueEmail(), password: PASSWORD }
		});
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(wrong.body).toEqual(unknown.body);
		expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
		expect(wrong.cookie).toBeNull();
	});

	it('400 for a malformed body', async () => {
		const res = await api('/api/v1/auth/login', { json: { email: 'x' } });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('VALIDATION');
	});

	it('429 per account after repeated failures, from any address, even with the right password', async () => {
		const { email } = await registered();
		const { loginPerAccount } = inject('rateLimits');
		for (let i = 0; i < loginPerAccount; i++) {
			const r = await api('/api/v1/auth/login', { json: { email, password: 'wrong-password' } });
			expect(r.status).toBe(401);
		}
		const blocked = await api('/api/v1/auth/login', { json: { email, password: PASSWORD } });
		expect(blocked.status).toBe(429);
		expect(blocked.body.error.code).toBe('RATE_LIMITED');
		expect(blocked.cookie).toBeNull();
	});

	it('429 for unknown emails too (no account oracle)', async () => {
		const email = uniqueEmail();
		const { loginPerAccount } = inject('rateLimits');
		for (let i = 0; i < loginPerAccount; i++) {
			expect(
				(await api('/api/v1/auth/login', { json: { email, password: 'wrong-password' } })).status
			).toBe(401);
		}
		expect(
			(await api('/api/v1/auth/login', { json: { email, password: 'wrong-password' } })).status
		).toBe(429);
	});

	it('429 per address across many accounts', async () => {
		const ip = randomIp();
		const { loginPerIp } = inject('rateLimits');
		for (let i = 0; i < loginPerIp; i++) {
			const r = await api('/api/v1/auth/login', {
				ip,
				json: { email: uniqueEmail(), password: 'wrong-password' }
			});
			expect(r.status).toBe(401);
		}
		const res = await api('/api/v1/auth/login', {
			ip,
			json: { email: uniqueEmail(), password: 'wrong-password' }
		});
		expect(res.status).toBe(429);
	});

	it('a successful login resets the per-account failure count', async () => {
		const { email } = await registered();
		const { loginPerAccount } = inject('rateLimits');
		for (let round = 0; round < 2; round++) {
			for (let i = 0; i < loginPerAccount - 1; i++) {
				expect(
					(await api('/api/v1/auth/login', { json: { email, password: 'nope-nope' } })).status
				).toBe(401);
			}
			expect(
				(await api('/api/v1/auth/login', { json: { email, password: PASSWORD } })).status
			).toBe(200);
		}
	});
});

describe('POST /api/v1/auth/logout', () => {
	it('204, deletes the session, and replaying the cookie gives 401', async () => {
		const { cookie } = await registered();
		const res = await api('/api/v1/auth/logout', { method: 'POST', cookie });
		expect(res.status).toBe(204);
		expect(res.setCookie).toMatch(/chorus_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
		const replay = await api('/api/v1/me', { cookie });
		expect(replay.status).toBe(401);
		expect((await api('/api/v1/auth/logout', { method: 'POST', cookie })).status).toBe(401);
	});

	it('logging out one session leaves the others signed in', async () => {
		const { email, cookie: a } = await registered();
		const b = (await api('/api/v1/auth/login', { json: { email, password: PASSWORD } })).cookie;
		await api('/api/v1/auth/logout', { method: 'POST', cookie: a });
		expect((await api('/api/v1/me', { cookie: b })).status).toBe(200);
	});

	it('401 without a session', async () => {
		const res = await api('/api/v1/auth/logout', { method: 'POST' });
		expect(res.status).toBe(401);
		expect(res.body.error.code).toBe('UNAUTHENTICATED');
	});
});

describe('GET/PATCH /api/v1/me', () => {
	it('401 without a cookie or with a forged one', async () => {
		for (const cookie of [
			null,
			'chorus_session=garbage',
			`chorus_session=${'a'.repeat(24)}.${'b'.repeat(24)}`
		]) {
			const res = await api('/api/v1/me', { cookie });
			expect(res.status).toBe(401);
			expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
		}
	});

	it('changes the display name, validated', async () => {
		const { cookie } = await registered();
		const ok = await api('/api/v1/me', {
			method: 'PATCH',
			cookie,
			json: { displayName: ' DJ Ann ' }
		});
		expect(ok.status).toBe(200);
		expect(ok.body.user.displayName).toBe('DJ Ann');
		expect((await api('/api/v1/me', { cookie })).body.user.displayName).toBe('DJ Ann');

		const bad = await api('/api/v1/me', {
			method: 'PATCH',
			cookie,
			json: { displayName: 'x'.repeat(65) }
		});
		expect(bad.status).toBe(400);
		expect((await api('/api/v1/me', { cookie })).body.user.displayName).toBe('DJ Ann');
		expect(
			(await api('/api/v1/me', { method: 'PATCH', json: { displayName: 'Anon' } })).status
		).toBe(401);
	});
});

describe('API hygiene', () => {
	it('refuses cross-site mutations (Origin / Sec-Fetch-Site) with 403', async () => {
		const json = { email: uniqueEmail(), password: PASSWORD, displayName: 'X' };
		const evil = await api('/api/v1/auth/register', {
			json,
			headers: { origin: 'https://evil.example' }
		});
		expect(evil.status).toBe(403);
		expect(evil.body.error.code).toBe('FORBIDDEN');
		const site = await api('/api/v1/auth/register', {
			json,
			headers: { 'sec-fetch-site': 'cross-site' }
		});
		expect(site.status).toBe(403);
		const same = await api('/api/v1/auth/register', {
			json,
			headers: { origin: inject('publicOrigin'), 'sec-fetch-site': 'same-origin' }
		});
		expect(same.status).toBe(201);
	});

	it('refuses cross-site form posts to pages, and accepts same-origin ones', async () => {
		const form = (headers: Record<string, string>) =>
			api('/login', {
				body: new URLSearchParams({ email: uniqueEmail(), password: 'whatever-1' }).toString(),
				headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }
			});
		expect((await form({ origin: 'https://evil.example' })).status).toBe(403);
		expect((await form({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
		// Same origin: the action runs, and the page comes back with its error message.
		const same = await form({ origin: inject('publicOrigin'), 'sec-fetch-site': 'same-origin' });
		expect(same.status).not.toBe(403);
		expect(JSON.stringify(same.body)).toContain('Wrong email or password');
	});

	it('404 JSON for unknown API routes and 405 for unsupported methods', async () => {
		const missing = await api('/api/v1/does-not-exist');
		expect(missing.status).toBe(404);
		expect(missing.body.error.code).toBe('NOT_FOUND');
		const method = await api('/api/v1/auth/login', { method: 'DELETE' });
		expect(method.status).toBe(405);
		expect(method.body.error.code).toBe('METHOD_NOT_ALLOWED');
	});

	it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
		const res = await api('/api/v1/openapi.json');
		expect(res.status).toBe(200);
		expect(res.body.openapi).toBe('3.1.0');
		expect(Object.keys(res.body.paths)).toEqual(
			expect.arrayContaining([
				'/api/v1/auth/register',
				'/api/v1/auth/login',
				'/api/v1/auth/logout',
				'/api/v1/me'
			])
		);
		const body =
			res.body.paths['/api/v1/auth/register'].post.requestBody.content['application/json'].schema;
		expect(body.properties.password).toMatchObject({ minLength: 8, maxLength: 256 });
	});

	it('health reports ok', async () => {
		const res = await api('/api/v1/health');
		expect(res.status).toBe(200);
		expect(res.body.status).toBe('ok');
	});
});
