import { AppShell } from '../pages/app-shell.page.ts';
import { LoginPage } from '../pages/login.page.ts';
import { SessionsPage } from '../pages/sessions.page.ts';
import { expect, SAME_ORIGIN, test } from '../fixtures.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

test(
	'signing out another session from /account/sessions signs that browser out live',
	{ tag: '@auth' },
	async ({ page, browser, baseURL, signedInUser }) => {
		// The same user in a second browser (another device), with a live realtime socket.
		const other = await browser.newContext({ baseURL, userAgent: FIREFOX });
		try {
			const login = await other.request.post('/api/v1/auth/login', {
				data: { email: signedInUser.email, password: signedInUser.password },
				headers: { 'user-agent': FIREFOX, ...SAME_ORIGIN }
			});
			expect(login.status(), await login.text()).toBe(200);
			const pageB = await other.newPage();
			await pageB.goto('/');
			const shellB = new AppShell(pageB);
			await expect(shellB.connection).toHaveText(/^\s*Connected\b/);
			await expect(shellB.accountLink(signedInUser.displayName)).toBeVisible();

			// Device A lists both sessions and signs B out.
			const sessions = new SessionsPage(page);
			await sessions.goto();
			// Registering (the apiUser fixture) left a session too: three in all.
			await expect(sessions.sessions).toHaveCount(3);
			await expect(sessions.current).toBeVisible();
			await sessions.signOut('Firefox on Linux');
			await expect(sessions.status).toContainText('Signed out 1 session');
			await expect(sessions.sessions).toHaveCount(2);
			await expect(sessions.current).toBeVisible();

			// B is sent to the sign-in page by its socket, without anyone reloading it.
			await expect(pageB).toHaveURL(/\/login$/, { timeout: 5_000 });
			await expect(new LoginPage(pageB).heading).toBeVisible();
			await expect(shellB.accountLink(signedInUser.displayName)).toHaveCount(0);
			// And its cookie is dead: the account pages send it back to sign in.
			await pageB.goto('/account/sessions');
			await expect(pageB).toHaveURL(/\/login\?redirectTo=/);

			// A is still signed in.
			await page.reload();
			await expect(sessions.heading).toBeVisible();
		} finally {
			await other.close();
		}
	}
);

test(
	'"Sign out everywhere" ends every session, this one included',
	{ tag: '@auth' },
	async ({ page, browser, baseURL, signedInUser }) => {
		const other = await browser.newContext({ baseURL });
		try {
			const login = await other.request.post('/api/v1/auth/login', {
				data: { email: signedInUser.email, password: signedInUser.password },
				headers: SAME_ORIGIN
			});
			expect(login.status()).toBe(200);
			const pageB = await other.newPage();
			await pageB.goto('/');
			await expect(new AppShell(pageB).connection).toHaveText(/^\s*Connected\b/);

			const sessions = new SessionsPage(page);
			await sessions.goto();
			// Registering (the apiUser fixture) left a session too: three in all.
			await expect(sessions.sessions).toHaveCount(3);
			await sessions.signOutEverywhere.click();
			await expect(page).toHaveURL(/\/login$/);
			await expect(pageB).toHaveURL(/\/login$/, { timeout: 5_000 });
		} finally {
			await other.close();
		}
	}
);
