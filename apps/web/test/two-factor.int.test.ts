import { createDb } from '@chorus/db';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { randomIp, uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';

const PASSWORD = 'correct-horse-9';
const STEP_MS = 30_000;
/** RATE_LIMIT_TOTP_PER_ACCOUNT's default (the test server does not set it). */
const TOTP_LIMIT = 5;

const db = createDb(inject('databaseUrl'), { poolSize: 2 });
afterAll(() => db.$disconnect());

const currentStep = () => Math.floor(Date.now() / STEP_MS);
const codeAt = (key: Uint8Array, step: number) => generateHOTP(key, BigInt(step), 6);

/**
 * The test and the server share the clock; a test that computes codes for "now" must not
 * straddle a step boundary, so late in a step it waits for the next one.
 */
async function freshStep(): Promise<number> {
	const into = Date.now() % STEP_MS;
	if (into > STEP_MS - 10_000) await new Promise((r) => setTimeout(r, STEP_MS - into + 50));
	return currentStep();
}

async function registered() {
	const email = uniqueEmail('2fa');
	const res = await api('/api/v1/auth/register', {
		json: { email, password: PASSWORD, displayName: 'Tess' }
	});
	expect(res.status).toBe(201);
	return { email, cookie: res.cookie!, id: res.body.user.id as string };
}

async function beginSetup(cookie: string) {
	const res = await api('/api/v1/me/two-factor/setup', { cookie, json: { password: PASSWORD } });
	expect(res.status).toBe(200);
	return { ...res.body, key: decodeBase32IgnorePadding(res.body.secret) } as {
		uri: string;
		secret: string;
		qrSvg: string;
		key: Uint8Array;
	};
}

/** A user with 2FA on, enabled with the PREVIOUS step's code (so "now" and later are unused). */
async function enabledUser() {
	const step = await freshStep();
	const user = await registered();
	const { key } = await beginSetup(user.cookie);
	const res = await api('/api/v1/me/two-factor/confirm', {
		cookie: user.cookie,
		json: { code: codeAt(key, step - 1) }
	});
	expect(res.status).toBe(200);
	return { ...user, key, step, recoveryCodes: res.body.recoveryCodes as string[] };
}

async function passwordLogin(email: string) {
	const res = await api('/api/v1/auth/login', { json: { email, password: PASSWORD } });
	expect(res.status).toBe(200);
	return res;
}

const secondFactor = (cookie: string, json: Record<string, string>) =>
	api('/api/v1/auth/two-factor', { cookie, json });

describe('enrolment', () => {
	it('setup needs a session and the current password', async () => {
		expect(
			(await api('/api/v1/me/two-factor/setup', { json: { password: PASSWORD } })).status
		).toBe(401);
		const { cookie } = await registered();
		const none = await api('/api/v1/me/two-factor/setup', { cookie, json: {} });
		expect(none.status).toBe(400);
		const wrong = await api('/api/v1/me/two-factor/setup', {
			cookie,
			json: { password: 'not-my-password' }
		});
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
		expect((await api('/api/v1/me/two-factor', { cookie })).body).toEqual({
			enabled: false,
			recoveryCodesLeft: 0
		});
	});

	it('setup returns an otpauth URI, the base32 key and a QR code, and stores the key sealed', async () => {
		const user = await registered();
		const setup = await beginSetup(user.cookie);
		expect(setup.uri).toMatch(/^otpauth:\/\/totp\/Chorus:/);
		expect(setup.uri).toContain(encodeURIComponent(user.email));
		expect(new URL(setup.uri).searchParams.get('issuer')).toBe('Chorus');
		expect(new URL(setup.uri).searchParams.get('secret')).toBe(setup.secret);
		expect(setup.key.byteLength).toBe(20);
		expect(setup.qrSvg).toMatch(/^<svg/);
		const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
		expect(row.totpKey).toBeNull();
		expect(row.totpEnabledAt).toBeNull();
		// Sealed: the raw key appears nowhere in the stored bytes.
		expect(Buffer.from(row.totpPendingKey!).includes(Buffer.from(setup.key))).toBe(false);
	});

	it('a wrong code does not enable it', async () => {
		const step = await freshStep();
		const user = await registered();
		const { key } = await beginSetup(user.cookie);
		const wrong = codeAt(key, step + 5);
		for (const code of [wrong, 'abcdef', '12345']) {
			const res = await api('/api/v1/me/two-factor/confirm', {
				cookie: user.cookie,
				json: { code }
			});
			expect(res.status).toBe(400);
			expect(res.body.error.code).toBe('INVALID_CODE');
		}
		expect((await api('/api/v1/me/two-factor', { cookie: user.cookie })).body.enabled).toBe(false);
		expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpKey).toBeNull();
	});

	it('a right code enables it: 10 recovery codes, hashed at rest; /me says so', async () => {
		const user = await enabledUser();
		expect(user.recoveryCodes).toHaveLength(10);
		expect(new Set(user.recoveryCodes).size).toBe(10);
		for (const c of user.recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
		const stored = await db.recoveryCode.findMany({ where: { userId: user.id } });
		expect(stored).toHaveLength(10);
		for (const s of stored) expect(s.codeHash.byteLength).toBe(32);
		expect((await api('/api/v1/me/two-factor', { cookie: user.cookie })).body).toEqual({
			enabled: true,
			recoveryCodesLeft: 10
		});
		const me = await api('/api/v1/me', { cookie: user.cookie });
		expect(me.status).toBe(200); // the enrolling session stays signed in
		expect(me.body.user.twoFactorEnabled).toBe(true);
		const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
		expect(row.totpPendingKey).toBeNull();
		expect(row.totpKey).not.toBeNull();
		expect(Buffer.from(row.totpKey!).includes(Buffer.from(user.key))).toBe(false);
		// Setting up again while on is refused.
		const again = await api('/api/v1/me/two-factor/setup', {
			cookie: user.cookie,
			json: { password: PASSWORD }
		});
		expect(again.status).toBe(409);
	});

	it("enabling signs the user's other sessions out", async () => {
		const step = await freshStep();
		const user = await registered();
		const other = await api('/api/v1/auth/login', {
			json: { email: user.email, password: PASSWORD }
		});
		expect((await api('/api/v1/me', { cookie: other.cookie })).status).toBe(200);
		const { key } = await beginSetup(user.cookie);
		const res = await api('/api/v1/me/two-factor/confirm', {
			cookie: user.cookie,
			json: { code: codeAt(key, step) }
		});
		expect(res.status).toBe(200);
		expect((await api('/api/v1/me', { cookie: other.cookie })).status).toBe(401);
		expect((await api('/api/v1/me', { cookie: user.cookie })).status).toBe(200);
		expect(await db.session.count({ where: { userId: user.id } })).toBe(1);
	});
});

describe('signing in with two-factor', () => {
	it('the password alone gives a pending session that is not signed in', async () => {
		const user = await enabledUser();
		const login = await passwordLogin(user.email);
		expect(login.body).toEqual({ twoFactorRequired: true });
		expect(login.cookie).not.toBeNull();
		const me = await api('/api/v1/me', { cookie: login.cookie });
		expect(me.status).toBe(401);
		expect((await api('/api/v1/me/two-factor', { cookie: login.cookie })).status).toBe(401);
		const row = await db.session.findFirstOrThrow({
			where: { userId: user.id, twoFactorVerified: false }
		});
		expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(10 * 60_000);
	});

	it('the right code signs in with a NEW session; the pending one is gone', async () => {
		const user = await enabledUser();
		const login = await passwordLogin(user.email);
		const res = await secondFactor(login.cookie!, { code: codeAt(user.key, user.step) });
		expect(res.status).toBe(200);
		expect(res.body.user).toMatchObject({ id: user.id, email: user.email, twoFactorEnabled: true });
		expect(res.cookie).not.toBeNull();
		expect(res.cookie).not.toBe(login.cookie);
		expect((await api('/api/v1/me', { cookie: res.cookie })).status).toBe(200);
		// The pending token never becomes a session (no fixation).
		expect((await api('/api/v1/me', { cookie: login.cookie })).status).toBe(401);
		expect((await secondFactor(login.cookie!, { code: '000000' })).status).toBe(401);
	});

	it('a code is accepted once: the same code again is refused', async () => {
		const user = await enabledUser();
		const code = codeAt(user.key, user.step);
		const first = await secondFactor((await passwordLogin(user.email)).cookie!, { code });
		expect(first.status).toBe(200);
		const replay = await secondFactor((await passwordLogin(user.email)).cookie!, { code });
		expect(replay.status).toBe(400);
		expect(replay.body.error.code).toBe('INVALID_CODE');
		// The code the account was enabled with is spent too.
		const enrolCode = await secondFactor((await passwordLogin(user.email)).cookie!, {
			code: codeAt(user.key, user.step - 1)
		});
		expect(enrolCode.status).toBe(400);
	});

	it('the same code sent twice at once signs in once', async () => {
		const user = await enabledUser();
		const code = codeAt(user.key, user.step);
		const [a, b] = await Promise.all([passwordLogin(user.email), passwordLogin(user.email)]);
		const results = await Promise.all([
			secondFactor(a.cookie!, { code }),
			secondFactor(b.cookie!, { code })
		]);
		expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
	});

	it('accepts the next step (clock drift), rejects two steps away', async () => {
		const user = await enabledUser();
		const far = await secondFactor((await passwordLogin(user.email)).cookie!, {
			code: codeAt(user.key, user.step + 2)
		});
		expect(far.status).toBe(400);
		const farBack = await secondFactor((await passwordLogin(user.email)).cookie!, {
			code: codeAt(user.key, user.step - 2)
		});
		expect(farBack.status).toBe(400);
		const next = await secondFactor((await passwordLogin(user.email)).cookie!, {
			code: codeAt(user.key, user.step + 1)
		});
		expect(next.status).toBe(200);
	});

	it('accepts the previous step', async () => {
		// Enrol with a code two steps back is impossible, so use a fresh enrolment at "now".
		const step = await freshStep();
		const user = await registered();
		const { key } = await beginSetup(user.cookie);
		const prev = await api('/api/v1/me/two-factor/confirm', {
			cookie: user.cookie,
			json: { code: codeAt(key, step - 1) }
		});
		expect(prev.status).toBe(200);
		const now = await secondFactor((await passwordLogin(user.email)).cookie!, {
			code: codeAt(key, step)
		});
		expect(now.status).toBe(200);
	});

	it('a recovery code works once, whatever its case, dashes or spaces', async () => {
		const user = await enabledUser();
		const code = user.recoveryCodes[3]!;
		const messy = ` ${code.toUpperCase().replaceAll('-', ' ')} `;
		const ok = await secondFactor((await passwordLogin(user.email)).cookie!, {
			recoveryCode: messy
		});
		expect(ok.status).toBe(200);
		const again = await secondFactor((await passwordLogin(user.email)).cookie!, {
			recoveryCode: code
		});
		expect(again.status).toBe(400);
		expect(again.body.error.code).toBe('INVALID_CODE');
		expect((await api('/api/v1/me/two-factor', { cookie: ok.cookie })).body.recoveryCodesLeft).toBe(
			9
		);
	});

	it('one recovery code used twice at once signs in exactly once', async () => {
		const user = await enabledUser();
		const recoveryCode = user.recoveryCodes[0]!;
		const [a, b] = await Promise.all([passwordLogin(user.email), passwordLogin(user.email)]);
		const results = await Promise.all([
			secondFactor(a.cookie!, { recoveryCode }),
			secondFactor(b.cookie!, { recoveryCode })
		]);
		expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
		const used = await db.recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } });
		expect(used).toBe(1);
	});

	it('no code at all: 400 TWO_FACTOR_REQUIRED; no pending session: 401', async () => {
		const user = await enabledUser();
		const login = await passwordLogin(user.email);
		const none = await secondFactor(login.cookie!, {});
		expect(none.status).toBe(400);
		expect(none.body.error.code).toBe('TWO_FACTOR_REQUIRED');
		const blank = await secondFactor(login.cookie!, { code: '' });
		expect(blank.body.error.code).toBe('TWO_FACTOR_REQUIRED');
		expect((await secondFactor('', { code: codeAt(user.key, user.step) })).status).toBe(401);
		// A fully signed-in session has nothing to finish either.
		expect((await secondFactor(user.cookie, { code: codeAt(user.key, user.step) })).status).toBe(
			401
		);
	});

	it(`wrong codes are limited per account: 429 after ${TOTP_LIMIT}, even for a right code`, async () => {
		const user = await enabledUser();
		const login = await passwordLogin(user.email);
		const wrong = codeAt(user.key, user.step + 7);
		for (let i = 0; i < TOTP_LIMIT; i++) {
			const res = await secondFactor(
				login.cookie!,
				i % 2 ? { code: wrong } : { recoveryCode: 'nope-nope-nope' }
			);
			expect(res.status).toBe(400);
		}
		// From another address too: the budget is the account's.
		const limited = await api('/api/v1/auth/two-factor', {
			cookie: login.cookie,
			ip: randomIp(),
			json: { code: codeAt(user.key, user.step) }
		});
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe('RATE_LIMITED');
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it('a pending session expires', async () => {
		const user = await enabledUser();
		const login = await passwordLogin(user.email);
		const id = login.cookie!.split('=')[1]!.split('.')[0]!;
		await db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
		const res = await secondFactor(login.cookie!, { code: codeAt(user.key, user.step) });
		expect(res.status).toBe(401);
		expect(await db.session.findUnique({ where: { id } })).toBeNull();
	});

	it('accounts without 2FA sign in with the password alone', async () => {
		const user = await registered();
		const login = await passwordLogin(user.email);
		expect(login.body.user).toMatchObject({ id: user.id, twoFactorEnabled: false });
		expect((await api('/api/v1/me', { cookie: login.cookie })).status).toBe(200);
	});

	it('the login form sends 2FA accounts to /login/two-factor, which finishes signing in', async () => {
		const user = await enabledUser();
		// As a browser without JavaScript posts it (SvelteKit answers fetch() with JSON).
		const headers = {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html',
			origin: inject('publicOrigin')
		};
		const login = await api('/login?redirectTo=%2Flibrary', {
			body: new URLSearchParams({ email: user.email, password: PASSWORD }).toString(),
			headers
		});
		expect(login.status).toBe(303);
		expect(login.headers.get('location')).toBe('/login/two-factor?redirectTo=%2Flibrary');
		const page = await api('/login/two-factor', { cookie: login.cookie });
		expect(page.status).toBe(200);
		expect(page.body).toContain('Authentication code');
		// Without a pending session the page sends people to the password step.
		expect((await api('/login/two-factor')).status).toBe(303);
		const verify = await api('/login/two-factor?/verify&redirectTo=%2Flibrary', {
			cookie: login.cookie,
			body: new URLSearchParams({ code: codeAt(user.key, user.step) }).toString(),
			headers
		});
		expect(verify.status).toBe(303);
		expect(verify.headers.get('location')).toBe('/library');
		expect((await api('/api/v1/me', { cookie: verify.cookie })).status).toBe(200);
	});

	it('refuses cross-site posts to the two-factor step', async () => {
		const user = await enabledUser();
		const login = await passwordLogin(user.email);
		const evil = await api('/api/v1/auth/two-factor', {
			cookie: login.cookie,
			json: { code: codeAt(user.key, user.step) },
			headers: { origin: 'https://evil.example' }
		});
		expect(evil.status).toBe(403);
		const form = await api('/login/two-factor?/verify', {
			cookie: login.cookie,
			body: new URLSearchParams({ code: codeAt(user.key, user.step) }).toString(),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'sec-fetch-site': 'cross-site'
			}
		});
		expect(form.status).toBe(403);
		const setup = await api('/api/v1/me/two-factor/disable', {
			cookie: user.cookie,
			json: { code: codeAt(user.key, user.step) },
			headers: { origin: 'https://evil.example' }
		});
		expect(setup.status).toBe(403);
		expect((await api('/api/v1/me/two-factor', { cookie: user.cookie })).body.enabled).toBe(true);
	});
});

describe('managing two-factor', () => {
	it('disabling needs a current code', async () => {
		const user = await enabledUser();
		const none = await api('/api/v1/me/two-factor/disable', { cookie: user.cookie, json: {} });
		expect(none.status).toBe(400);
		const wrong = await api('/api/v1/me/two-factor/disable', {
			cookie: user.cookie,
			json: { code: codeAt(user.key, user.step + 4) }
		});
		expect(wrong.status).toBe(400);
		expect((await api('/api/v1/me/two-factor', { cookie: user.cookie })).body.enabled).toBe(true);
		const ok = await api('/api/v1/me/two-factor/disable', {
			cookie: user.cookie,
			json: { code: codeAt(user.key, user.step) }
		});
		expect(ok.status).toBe(200);
		expect(ok.body).toEqual({ enabled: false, recoveryCodesLeft: 0 });
		const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
		expect(row.totpKey).toBeNull();
		expect(row.totpEnabledAt).toBeNull();
		expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
		const login = await passwordLogin(user.email);
		expect(login.body.user.twoFactorEnabled).toBe(false);
	});

	it('disabling with a recovery code works', async () => {
		const user = await enabledUser();
		const ok = await api('/api/v1/me/two-factor/disable', {
			cookie: user.cookie,
			json: { recoveryCode: user.recoveryCodes[9] }
		});
		expect(ok.status).toBe(200);
		expect(ok.body.enabled).toBe(false);
	});

	it('new recovery codes need a current code and replace the old ones', async () => {
		const user = await enabledUser();
		const wrong = await api('/api/v1/me/two-factor/recovery-codes', {
			cookie: user.cookie,
			json: { code: '123456' }
		});
		expect(wrong.status).toBe(400);
		const res = await api('/api/v1/me/two-factor/recovery-codes', {
			cookie: user.cookie,
			json: { code: codeAt(user.key, user.step) }
		});
		expect(res.status).toBe(200);
		expect(res.body.recoveryCodes).toHaveLength(10);
		const old = await secondFactor((await passwordLogin(user.email)).cookie!, {
			recoveryCode: user.recoveryCodes[0]!
		});
		expect(old.status).toBe(400);
		const fresh = await secondFactor((await passwordLogin(user.email)).cookie!, {
			recoveryCode: res.body.recoveryCodes[0]
		});
		expect(fresh.status).toBe(200);
	});

	it('the two-factor routes are in the OpenAPI document', async () => {
		const doc = await api('/api/v1/openapi.json');
		expect(Object.keys(doc.body.paths)).toEqual(
			expect.arrayContaining([
				'/api/v1/auth/two-factor',
				'/api/v1/me/two-factor',
				'/api/v1/me/two-factor/setup',
				'/api/v1/me/two-factor/confirm',
				'/api/v1/me/two-factor/recovery-codes',
				'/api/v1/me/two-factor/disable'
			])
		);
	});

	it('every two-factor route needs a signed-in session', async () => {
		for (const path of ['confirm', 'recovery-codes', 'disable']) {
			const res = await api(`/api/v1/me/two-factor/${path}`, { json: { code: '123456' } });
			expect(res.status).toBe(401);
		}
		expect((await api('/api/v1/me/two-factor')).status).toBe(401);
	});
});
