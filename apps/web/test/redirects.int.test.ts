// Every place that follows a redirect target from the request sends hostile ones to `/`.
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import { Browser, oauthFlow, uniqueSub, uniqueTestEmail } from './oauth-client.ts';
import { codeAt, TWO_FACTOR_PASSWORD, twoFactorAccount } from './two-factor-client.ts';

const PASSWORD = 'copper-walrus-meadow-7';

/** Values of `redirectTo` as the server reads them (after the query string is decoded). */
const HOSTILE = [
	'/\t/evil.test', // the reported case: `?redirectTo=/%09/evil.test`
	'/\n/evil.test',
	'//evil.test',
	'/\\evil.test',
	'/%2F%2Fevil.test',
	'/%5C%5Cevil.test',
	'/%2e%2e//evil.test',
	'/\u200b/evil.test',
	'https://evil.test/',
	'javascript:alert(1)'
];
const q = (target: string) => `redirectTo=${encodeURIComponent(target)}`;

const asBrowserForm = {
	'content-type': 'application/x-www-form-urlencoded',
	accept: 'text/html'
};
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function account() {
	const email = uniqueEmail('redir');
	const res = await api('/api/v1/auth/register', {
		json: { email, password: PASSWORD, displayName: 'Rex' }
	});
	expect(res.status).toBe(201);
	return { email, cookie: res.cookie! };
}

describe('redirect targets', () => {
	it('sign-in follows only local paths', async () => {
		const { email } = await account();
		for (const target of [...HOSTILE, '/library']) {
			const res = await api(`/login?${q(target)}`, {
				body: form({ email, password: PASSWORD }),
				headers: asBrowserForm
			});
			expect(res.status, target).toBe(303);
			expect(res.headers.get('location'), target).toBe(target === '/library' ? '/library' : '/');
		}
	});

	it('the language switcher goes back to local paths only', async () => {
		for (const target of [...HOSTILE, '/library?q=a']) {
			const res = await api('/locale', {
				body: form({ locale: 'en', redirectTo: target }),
				headers: asBrowserForm
			});
			expect(res.status, target).toBe(303);
			expect(res.headers.get('location'), target).toBe(
				target === '/library?q=a' ? '/library?q=a' : '/'
			);
		}
	});

	it('sign-up follows only local paths', async () => {
		for (const target of HOSTILE) {
			const res = await api(`/register?${q(target)}`, {
				body: form({ email: uniqueEmail('redir'), password: PASSWORD, displayName: 'Reg' }),
				headers: asBrowserForm
			});
			expect(res.status, target).toBe(303);
			expect(res.headers.get('location'), target).toBe('/');
		}
	});

	it('signed-in visitors of the sign-in and sign-up pages are sent to local paths only', async () => {
		const { cookie } = await account();
		for (const page of ['/login', '/register']) {
			for (const target of HOSTILE) {
				const res = await api(`${page}?${q(target)}`, { cookie });
				expect(res.status, `${page} ${target}`).toBe(303);
				expect(res.headers.get('location'), `${page} ${target}`).toBe('/');
			}
		}
	});

	it('pages never carry a hostile target on in their links', async () => {
		for (const page of ['/login', '/register']) {
			for (const target of HOSTILE) {
				const res = await api(`${page}?${q(target)}`);
				expect(res.status).toBe(200);
				const hrefs = [...String(res.body).matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
				expect(
					hrefs.filter((h) => h!.includes('redirectTo')),
					target
				).not.toHaveLength(0);
				for (const h of hrefs) expect(decodeURIComponent(h!), target).not.toMatch(/evil|script/);
			}
		}
	});

	it('the two-factor step keeps and follows only local paths', async () => {
		const user = await twoFactorAccount();
		// Two targets: a TOTP code works once per step, and only the current and next step are left.
		for (const [i, target] of HOSTILE.slice(0, 2).entries()) {
			const login = await api(`/login?${q(target)}`, {
				body: form({ email: user.email, password: TWO_FACTOR_PASSWORD }),
				headers: asBrowserForm
			});
			expect(login.headers.get('location')).toBe('/login/two-factor?redirectTo=%2F');
			const verify = await api(`/login/two-factor?/verify&${q(target)}`, {
				cookie: login.cookie,
				body: form({ code: codeAt(user.key, user.step + i) }),
				headers: asBrowserForm
			});
			expect(verify.status, target).toBe(303);
			expect(verify.headers.get('location'), target).toBe('/');
		}
		// Without a pending session the step sends people back to sign in, with a local target.
		const none = await api(`/login/two-factor?${q('/\t/evil.test')}`);
		expect(none.headers.get('location')).toBe('/login?redirectTo=%2F');
	});

	it('OAuth sign-in keeps only a local target through the round trip', async () => {
		for (const target of HOSTILE.slice(0, 4)) {
			const browser = new Browser();
			const { callback } = await oauthFlow(
				browser,
				'github',
				{ sub: uniqueSub(), name: 'Octo', email: uniqueTestEmail('redir') },
				{ redirectTo: target }
			);
			expect(callback.status, target).toBe(303);
			expect(callback.headers.get('location'), target).toBe('/');
		}
	});
});
