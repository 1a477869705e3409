import { seal } from '@chorus/auth';
import { createDb } from '@chorus/db';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { api } from './api-client.ts';
import {
	authorizeAtProvider,
	Browser,
	me,
	oauthFlow,
	providerControl,
	setsSession,
	start,
	uniqueSub,
	uniqueTestEmail
} from './oauth-client.ts';

const db = createDb(inject('databaseUrl'), { poolSize: 2 });
const origin = inject('publicOrigin');

beforeAll(async () => {
	// From now on the provider only accepts redirect URIs on the web app's ORIGIN.
	await providerControl('/_origin', { origin });
});
afterAll(() => db.$disconnect());

/** A password account, signed in inside `browser`. */
async function passwordAccount(browser = new Browser()) {
	const email = uniqueTestEmail('pw');
	const res = await api('/api/v1/auth/register', {
		ip: browser.ip,
		json: { email, password: 'correct-horse-9', displayName: 'Pat' }
	});
	expect(res.status).toBe(201);
	browser.cookies.set('chorus_session', { value: res.cookie!.split('=')[1]!, path: '/' });
	return { browser, email, userId: res.body.user.id as string };
}

const identityOf = (provider: string, sub: string) =>
	db.oAuthIdentity.findUnique({
		where: { provider_providerUserId: { provider, providerUserId: sub } }
	});

async function expectFailure(res: Response, text?: RegExp) {
	expect(res.status).toBe(400);
	expect(setsSession(res)).toBe(false);
	const html = await res.text();
	if (text) expect(html).toMatch(text);
}

describe('OAuth sign-in', () => {
	it('a new GitHub identity creates an account with its verified email and signs in', async () => {
		const browser = new Browser();
		const sub = uniqueSub();
		const email = uniqueTestEmail('gh');
		const { callback } = await oauthFlow(
			browser,
			'github',
			{ sub, name: 'Octo Cat', email }, // private email: read from /user/emails
			{ redirectTo: '/library' }
		);
		expect(callback.status).toBe(303);
		expect(callback.headers.get('location')).toBe('/library');
		expect(setsSession(callback)).toBe(true);
		expect(browser.cookies.has('chorus_oauth')).toBe(false); // state cookie consumed

		const user = await db.user.findFirstOrThrow({ where: { email } });
		expect(user).toMatchObject({ displayName: 'Octo Cat', passwordHash: null, isGuest: false });
		expect(user.emailVerifiedAt).toBeInstanceOf(Date);
		expect((await identityOf('github', sub))?.userId).toBe(user.id);
		expect((await me(browser))?.id).toBe(user.id);
	});

	it('signing in again with the same identity reaches the same account', async () => {
		const sub = uniqueSub();
		const first = new Browser();
		await oauthFlow(first, 'google', { sub, name: 'Gia', email: uniqueTestEmail('g') });
		const second = new Browser();
		const { callback } = await oauthFlow(second, 'google', { sub, name: 'Gia renamed' });
		expect(callback.status).toBe(303);
		expect(callback.headers.get('location')).toBe('/');
		expect((await me(second))?.id).toBe((await me(first))?.id);
		expect(
			await db.oAuthIdentity.count({ where: { provider: 'google', providerUserId: sub } })
		).toBe(1);
	});

	it('an account an admin disabled cannot sign in with its identity either', async () => {
		const sub = uniqueSub();
		const first = new Browser();
		await oauthFlow(first, 'google', { sub, name: 'Dis', email: uniqueTestEmail('dis') });
		const user = await me(first);
		await db.user.update({ where: { id: user!.id }, data: { disabledAt: new Date() } });
		const second = new Browser();
		const { callback } = await oauthFlow(second, 'google', { sub, name: 'Dis' });
		expect(callback.status).toBe(403);
		expect(await callback.text()).toMatch(/disabled by an administrator/);
		expect(setsSession(callback)).toBe(false);
		// And the session it had before stopped signing in.
		expect(await me(first)).toBeNull();
	});

	it('does not use an email the provider has not verified', async () => {
		const browser = new Browser();
		const sub = uniqueSub();
		const email = uniqueTestEmail('unverified');
		const { callback } = await oauthFlow(browser, 'google', {
			sub,
			name: 'Una',
			email,
			email_verified: 'false'
		});
		expect(callback.status).toBe(303);
		const user = await db.user.findUniqueOrThrow({
			where: { id: (await identityOf('google', sub))!.userId }
		});
		expect(user.email).toBeNull();
		expect(user.emailVerifiedAt).toBeNull();
	});

	it('never links an identity whose email matches an existing account: 400, no session, no account', async () => {
		const { email } = await passwordAccount();
		for (const [provider, extra] of [
			['google', { email_verified: 'true' as const }],
			['github', { public_email: '1' as const }]
		] as const) {
			const browser = new Browser();
			const sub = uniqueSub();
			const { callback } = await oauthFlow(browser, provider, { sub, email, ...extra });
			await expectFailure(callback, /link/i);
			expect(await identityOf(provider, sub)).toBeNull();
			expect(await db.user.count({ where: { email } })).toBe(1);
			expect(await me(browser)).toBeNull();
		}
	});

	it('builds the redirect URI on ORIGIN, even with a forged Host header', async () => {
		const browser = new Browser();
		const res = await start(browser, 'github', {
			headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' }
		});
		expect(res.status).toBe(302);
		const authorize = new URL(res.headers.get('location')!);
		expect(authorize.origin + authorize.pathname).toBe(
			`${inject('oauthProviderUrl')}/github/authorize`
		);
		expect(authorize.searchParams.get('redirect_uri')).toBe(`${origin}/auth/oauth/github/callback`);
		expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('chorus_oauth='))!;
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		expect(cookie).toMatch(/Path=\/auth\/oauth\/github(;|$)/);
		expect(cookie).toMatch(/Max-Age=600/);
	});

	it('sends the PKCE verifier, and the provider refuses a wrong one', async () => {
		const before = (await providerControl('/_stats?provider=google')).tokenRequests.length;
		const ok = await oauthFlow(new Browser(), 'google', { sub: uniqueSub() });
		expect(ok.callback.status).toBe(303);
		const stats = await providerControl('/_stats?provider=google');
		const sent = stats.tokenRequests[before];
		const challenge = new URL(ok.authorizeUrl).searchParams.get('code_challenge');
		expect(sent.code_verifier).not.toBe('');
		expect(createHash('sha256').update(sent.code_verifier).digest('base64url')).toBe(challenge);
		expect(sent.client_auth).toBe('basic');

		// Same state, another verifier in the cookie: the provider rejects the exchange.
		const browser = new Browser();
		const started = await start(browser, 'google');
		const callbackUrl = await authorizeAtProvider(started.headers.get('location')!, {
			sub: uniqueSub()
		});
		const stored = browser.cookies.get('chorus_oauth')!;
		const flow = JSON.parse(Buffer.from(stored.value, 'base64url').toString());
		flow.v = randomBytes(32).toString('base64url');
		stored.value = Buffer.from(JSON.stringify(flow)).toString('base64url');
		await expectFailure(await browser.fetch(callbackUrl));
	});

	it('sends an account with two-factor authentication to the second step', async () => {
		const sub = uniqueSub();
		await oauthFlow(new Browser(), 'github', { sub });
		const { userId } = (await identityOf('github', sub))!;
		await db.user.update({
			where: { id: userId },
			data: { totpEnabledAt: new Date(), totpKey: seal(randomBytes(32), randomBytes(20)) }
		});
		const browser = new Browser();
		const { callback } = await oauthFlow(browser, 'github', { sub }, { redirectTo: '/rooms' });
		expect(callback.status).toBe(303);
		expect(callback.headers.get('location')).toBe(
			`/login/two-factor?redirectTo=${encodeURIComponent('/rooms')}`
		);
		const sessions = await db.session.findMany({ where: { userId } });
		const pending = sessions.filter((s) => !s.twoFactorVerified);
		expect(pending.length).toBeGreaterThanOrEqual(1);
	});

	it('streaming services cannot be used to sign in', async () => {
		const res = await start(new Browser(), 'spotify');
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/account/connections');
		expect((await start(new Browser(), 'nope')).status).toBe(404);
	});
});

describe('OAuth callback failures: 400 and no session', () => {
	async function begun(identity = {}) {
		const browser = new Browser();
		const started = await start(browser, 'github');
		const callbackUrl = new URL(
			await authorizeAtProvider(started.headers.get('location')!, { sub: uniqueSub(), ...identity })
		);
		return { browser, callbackUrl };
	}
	const countUsers = () => db.user.count();

	it('missing state', async () => {
		const { browser, callbackUrl } = await begun();
		callbackUrl.searchParams.delete('state');
		await expectFailure(await browser.fetch(callbackUrl.href));
	});

	it('wrong state', async () => {
		const { browser, callbackUrl } = await begun();
		callbackUrl.searchParams.set('state', 'x'.repeat(43));
		await expectFailure(await browser.fetch(callbackUrl.href));
		// The flow is spent either way: the right state afterwards finds no cookie.
		expect(browser.cookies.has('chorus_oauth')).toBe(false);
	});

	it('missing state cookie', async () => {
		const { browser, callbackUrl } = await begun();
		browser.cookies.delete('chorus_oauth');
		await expectFailure(await browser.fetch(callbackUrl.href), /expired|again/i);
	});

	it('replayed callback', async () => {
		const { browser, callbackUrl } = await begun();
		const stolen = browser.cookies.get('chorus_oauth')!;
		const first = await browser.fetch(callbackUrl.href);
		expect(first.status).toBe(303);
		// The browser's cookie is gone; replaying with a saved copy hits the spent code.
		const again = new Browser();
		await expectFailure(await again.fetch(callbackUrl.href));
		again.cookies.set('chorus_oauth', stolen);
		await expectFailure(await again.fetch(callbackUrl.href));
	});

	it('provider error (access_denied)', async () => {
		const users = await countUsers();
		const { browser, callbackUrl } = await begun({ error: 'access_denied' });
		expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
		await expectFailure(await browser.fetch(callbackUrl.href), /did not allow/);
		expect(await countUsers()).toBe(users);
	});

	it('token exchange failure', async () => {
		const { browser, callbackUrl } = await begun();
		await providerControl('/_fail-next', { provider: 'github', what: 'token' });
		await expectFailure(await browser.fetch(callbackUrl.href));
	});

	it('userinfo failure', async () => {
		const { browser, callbackUrl } = await begun();
		await providerControl('/_fail-next', { provider: 'github', what: 'profile' });
		await expectFailure(await browser.fetch(callbackUrl.href));
	});

	it('too many callbacks from one address: 429 and no session', async () => {
		const { browser, callbackUrl } = await begun();
		const limit = inject('rateLimits').oauthPerIp;
		// Garbage callbacks from the same address (without this browser's flow cookie, which a
		// failed callback would spend) count as attempts too.
		const garbage = () =>
			fetch(`${inject('webUrl')}/auth/oauth/github/callback?code=x&state=y`, {
				headers: { 'x-forwarded-for': browser.ip },
				redirect: 'manual'
			});
		for (let i = 0; i < limit - 1; i++) await expectFailure(await garbage());
		const last = await browser.fetch(callbackUrl.href);
		expect(last.status).toBe(303);
		const blocked = await garbage();
		expect(blocked.status).toBe(429);
		expect(setsSession(blocked)).toBe(false);
		// Another address is unaffected.
		await expectFailure(await new Browser().fetch(`/auth/oauth/github/callback?code=x&state=y`));
	});
});

describe('linking sign-in identities', () => {
	it('links GitHub from settings while signed in, then signs in with it', async () => {
		const { browser, userId } = await passwordAccount();
		const sub = uniqueSub();
		const { callback } = await oauthFlow(browser, 'github', { sub }, { link: true });
		expect(callback.status).toBe(303);
		expect(callback.headers.get('location')).toBe('/account/connections?linked=github');
		expect((await identityOf('github', sub))?.userId).toBe(userId);

		const list = await (await browser.fetch('/api/v1/me/connections')).json();
		expect(list.hasPassword).toBe(true);
		expect(
			list.identities.find((i: { provider: string }) => i.provider === 'github').linked
		).not.toBeNull();
		expect(
			list.identities.find((i: { provider: string }) => i.provider === 'google').linked
		).toBeNull();

		const other = new Browser();
		await oauthFlow(other, 'github', { sub });
		expect((await me(other))?.id).toBe(userId);
	});

	it('links even when the identity email matches this account', async () => {
		const { browser, userId, email } = await passwordAccount();
		const sub = uniqueSub();
		const { callback } = await oauthFlow(browser, 'google', { sub, email }, { link: true });
		expect(callback.status).toBe(303);
		expect((await identityOf('google', sub))?.userId).toBe(userId);
	});

	it('refuses an identity that belongs to another account, and changes nothing', async () => {
		const sub = uniqueSub();
		await oauthFlow(new Browser(), 'github', { sub });
		const owner = (await identityOf('github', sub))!.userId;
		const { browser, userId } = await passwordAccount();
		const { callback } = await oauthFlow(browser, 'github', { sub }, { link: true });
		await expectFailure(callback, /another Chorus account/);
		expect((await identityOf('github', sub))?.userId).toBe(owner);
		expect(await db.oAuthIdentity.count({ where: { userId } })).toBe(0);
	});

	it('asks a signed-out visitor to sign in before linking', async () => {
		const res = await start(new Browser(), 'github', { link: true });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
	});

	it('unlinks, but never the last way to sign in', async () => {
		const browser = new Browser();
		await oauthFlow(browser, 'github', { sub: uniqueSub() });
		const del = (p: string) => browser.fetch(`/api/v1/me/connections/${p}`, { method: 'DELETE' });

		const refused = await del('github');
		expect(refused.status).toBe(409);
		expect((await refused.json()).error.code).toBe('CONFLICT');

		await oauthFlow(browser, 'google', { sub: uniqueSub() }, { link: true });
		expect((await del('github')).status).toBe(204);
		expect((await del('github')).status).toBe(404);
		expect((await del('google')).status).toBe(409);

		const { browser: pw } = await passwordAccount();
		await oauthFlow(pw, 'google', { sub: uniqueSub() }, { link: true });
		const form = new FormData();
		form.set('provider', 'google');
		const viaForm = await pw.fetch('/account/connections?/unlink', {
			method: 'POST',
			body: form,
			headers: { accept: 'application/json', 'x-sveltekit-action': 'true' }
		});
		expect(viaForm.status).toBe(200);
		expect(
			(await (await pw.fetch('/api/v1/me/connections')).json()).identities[1].linked
		).toBeNull();
	});

	it('refuses cross-site requests to every mutating endpoint (403)', async () => {
		const browser = new Browser();
		const sub = uniqueSub();
		await oauthFlow(browser, 'github', { sub });
		await oauthFlow(browser, 'google', { sub: uniqueSub() }, { link: true });
		const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };

		const link = await browser.fetch('/auth/oauth/spotify', { method: 'POST', headers: evil });
		expect(link.status).toBe(403);
		const del = await browser.fetch('/api/v1/me/connections/github', {
			method: 'DELETE',
			headers: evil
		});
		expect(del.status).toBe(403);
		const form = new FormData();
		form.set('provider', 'github');
		const viaForm = await browser.fetch('/account/connections?/unlink', {
			method: 'POST',
			body: form,
			headers: evil
		});
		expect(viaForm.status).toBe(403);
		expect(await identityOf('github', sub)).not.toBeNull();
	});
});

describe('streaming connections', () => {
	const tokenBytes = (row: { accessToken: Uint8Array; refreshToken: Uint8Array | null }) =>
		Buffer.concat([Buffer.from(row.accessToken), Buffer.from(row.refreshToken ?? [])]).toString(
			'latin1'
		);
	const refreshes = async (p: string) =>
		(await providerControl(`/_stats?provider=${p}`)).tokenRequests.filter(
			(r: { grant_type: string }) => r.grant_type === 'refresh_token'
		).length;

	it('connects Spotify with sealed tokens and lists it without them', async () => {
		const { browser, userId } = await passwordAccount();
		const sub = `spotify-${uniqueSub()}`;
		const { callback, authorizeUrl } = await oauthFlow(
			browser,
			'spotify',
			{ sub, name: 'DJ Pat' },
			{ link: true }
		);
		expect(new URL(authorizeUrl).searchParams.get('code_challenge')).toBeTruthy();
		expect(callback.status).toBe(303);
		expect(callback.headers.get('location')).toBe('/account/connections?linked=spotify');

		const row = await db.linkedAccount.findUniqueOrThrow({
			where: { userId_provider: { userId, provider: 'spotify' } }
		});
		expect(row).toMatchObject({ providerUserId: sub, displayName: 'DJ Pat' });
		expect(row.refreshToken).not.toBeNull();
		expect(tokenBytes(row)).not.toMatch(/spotify_(at|rt)_/);

		const res = await browser.fetch('/api/v1/me/connections');
		const text = await res.text();
		expect(text).not.toMatch(/spotify_(at|rt)_/);
		const spotify = JSON.parse(text).services.find(
			(s: { provider: string }) => s.provider === 'spotify'
		);
		expect(spotify.linked).toMatchObject({ providerUserId: sub, displayName: 'DJ Pat' });

		const before = await refreshes('spotify');
		const profile = await browser.fetch('/api/v1/me/connections/spotify/profile');
		expect(profile.status).toBe(200);
		expect((await profile.json()).profile).toMatchObject({ id: sub, display_name: 'DJ Pat' });
		expect(await refreshes('spotify')).toBe(before); // still fresh: no refresh
	});

	it('refreshes an access token near its expiry and stores the new one sealed', async () => {
		const { browser, userId } = await passwordAccount();
		const sub = `spotify-${uniqueSub()}`;
		// 30 s is inside the refresh margin: every use refreshes (and the refresh token rotates).
		await oauthFlow(browser, 'spotify', { sub, expires_in: '30' }, { link: true });
		const where = { userId_provider: { userId, provider: 'spotify' } };
		const first = await db.linkedAccount.findUniqueOrThrow({ where });

		const before = await refreshes('spotify');
		for (let i = 0; i < 2; i++) {
			const res = await browser.fetch('/api/v1/me/connections/spotify/profile');
			expect(res.status).toBe(200);
		}
		expect(await refreshes('spotify')).toBe(before + 2);
		const after = await db.linkedAccount.findUniqueOrThrow({ where });
		expect(Buffer.from(after.accessToken).equals(Buffer.from(first.accessToken))).toBe(false);
		expect(Buffer.from(after.refreshToken!).equals(Buffer.from(first.refreshToken!))).toBe(false);
		expect(tokenBytes(after)).not.toMatch(/spotify_(at|rt)_/);
		expect(after.accessTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now());

		await providerControl('/_fail-next', { provider: 'spotify', what: 'token' });
		const failed = await browser.fetch('/api/v1/me/connections/spotify/profile');
		expect(failed.status).toBe(503);
	});

	it('disconnecting deletes the tokens and revokes them where the provider can', async () => {
		const { browser, userId } = await passwordAccount();
		await oauthFlow(browser, 'spotify', { sub: uniqueSub() }, { link: true });
		await oauthFlow(browser, 'yandex', { sub: uniqueSub(), name: 'Ya Pat' }, { link: true });
		await oauthFlow(browser, 'vk', { sub: uniqueSub(), name: 'Vk Pat' }, { link: true });
		expect(await db.linkedAccount.count({ where: { userId } })).toBe(3);

		const vk = await browser.fetch('/api/v1/me/connections/vk/profile');
		expect(vk.status).toBe(200);
		expect((await vk.json()).profile.response[0].first_name).toBe('Vk');
		const ya = await browser.fetch('/api/v1/me/connections/yandex/profile');
		expect((await ya.json()).profile.display_name).toBe('Ya Pat');

		const revokedBefore = (await providerControl('/_stats?provider=yandex')).revoked.length;
		for (const p of ['spotify', 'yandex', 'vk']) {
			const res = await browser.fetch(`/api/v1/me/connections/${p}`, { method: 'DELETE' });
			expect(res.status).toBe(204);
			expect((await browser.fetch(`/api/v1/me/connections/${p}/profile`)).status).toBe(404);
		}
		expect(await db.linkedAccount.count({ where: { userId } })).toBe(0);
		expect((await providerControl('/_stats?provider=yandex')).revoked.length).toBe(
			revokedBefore + 1
		);
	});

	it('asks to reconnect when access cannot be renewed or was revoked at the provider', async () => {
		const { browser } = await passwordAccount();
		// Expiring soon and no refresh token: nothing to renew it with.
		await oauthFlow(
			browser,
			'spotify',
			{ sub: uniqueSub(), expires_in: '30', no_refresh: '1' },
			{ link: true }
		);
		const expired = await browser.fetch('/api/v1/me/connections/spotify/profile');
		expect(expired.status).toBe(409);
		expect((await expired.json()).error.code).toBe('CONFLICT');

		await oauthFlow(browser, 'yandex', { sub: uniqueSub() }, { link: true });
		expect((await browser.fetch('/api/v1/me/connections/yandex/profile')).status).toBe(200);
		await providerControl('/_revoke-all', { provider: 'yandex' });
		expect((await browser.fetch('/api/v1/me/connections/yandex/profile')).status).toBe(409);
		// Disconnecting still works (the revocation at the provider is best-effort).
		expect(
			(await browser.fetch('/api/v1/me/connections/yandex', { method: 'DELETE' })).status
		).toBe(204);
	});

	it('needs a signed-in user', async () => {
		expect((await api('/api/v1/me/connections')).status).toBe(401);
		expect((await api('/api/v1/me/connections/spotify/profile')).status).toBe(401);
		expect((await api('/api/v1/me/connections/spotify', { method: 'DELETE' })).status).toBe(401);
	});
});

describe('pages', () => {
	it('the sign-in and sign-up pages offer the configured providers', async () => {
		for (const path of ['/login?redirectTo=%2Flibrary', '/register']) {
			const html = await (await new Browser().fetch(path)).text();
			expect(html).toContain('Continue with GitHub');
			expect(html).toContain('Continue with Google');
			expect(html).not.toContain('Continue with Spotify');
		}
		const login = await (await new Browser().fetch('/login?redirectTo=%2Flibrary')).text();
		// SvelteKit renders paths relative to the page by default.
		expect(login).toMatch(/href="[./]*\/?auth\/oauth\/github\?redirectTo=%2Flibrary"/);
	});

	it('/account/connections shows sign-in accounts and streaming services with their status', async () => {
		const { browser } = await passwordAccount();
		await oauthFlow(browser, 'spotify', { sub: uniqueSub(), name: 'DJ Page' }, { link: true });
		const res = await browser.fetch('/account/connections?linked=spotify');
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Spotify is now connected.');
		expect(html).toContain('Connected as DJ Page');
		expect(html).toMatch(/aria-label="Disconnect Spotify"/);
		expect(html).toMatch(/aria-label="Link GitHub"/);
		expect(html).toMatch(/aria-label="Connect Yandex"/);
		expect(html).not.toMatch(/spotify_(at|rt)_/);
	});
});
