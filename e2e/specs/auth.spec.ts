import { expect, test } from '../fixtures.ts';
import type { AppShell } from '../pages/app-shell.page.ts';

/** "12.3 ms", "+0.4 ms", "-1.0 ms": a measured value, not the "—" shown before the first ping. */
const MILLISECONDS = /^[-+]?\d+(\.\d+)? ms$/;

async function expectConnected(shell: AppShell) {
	// "Connected offset +0.4 ms · RTT 1.2 ms" (not "Connecting…", "Reconnecting…", "Not connected")
	await expect(shell.connection).toHaveText(/^\s*Connected\b/);
	await expect(shell.clockOffset).toHaveText(MILLISECONDS);
	await expect(shell.clockRtt).toHaveText(MILLISECONDS);
}

test.describe('authentication', { tag: '@auth' }, () => {
	test(
		'register, get connected, sign out, sign back in and see the account',
		{ tag: '@smoke' },
		async ({ page, credentials, registerPage, loginPage, appShell, accountPage }) => {
			await registerPage.goto();
			await registerPage.register(credentials);

			await expect(page).toHaveURL('/');
			await expect(
				page.getByRole('heading', { name: `Welcome, ${credentials.displayName}` })
			).toBeVisible();
			await expect(appShell.accountLink(credentials.displayName)).toBeVisible();
			await expectConnected(appShell);
			// The connection figures are a closed "Sync details" disclosure, not a panel in the way.
			const details = page.getByTestId('home-sync-details');
			await expect(details.getByTestId('home-status')).toBeHidden();
			await details.getByText('Sync details').click();
			await expect(details.getByTestId('home-status')).toHaveText('connected');
			// For a human look at the signed-in home page: E2E_HOME_SCREENSHOT=/tmp/chorus-home.png
			if (process.env.E2E_HOME_SCREENSHOT)
				await page.screenshot({ path: process.env.E2E_HOME_SCREENSHOT });

			await appShell.signOut();
			await expect(page).toHaveURL('/login');
			await expect(loginPage.heading).toBeVisible();
			await expect(appShell.connection).toHaveCount(0);
			await expect(appShell.signInLink).toBeVisible();
			// The session is gone on the server too, not just the cookie in this browser.
			expect((await page.request.get('/api/v1/me')).status()).toBe(401);

			await loginPage.signIn(credentials);
			await expect(page).toHaveURL('/');
			await expectConnected(appShell);

			await appShell.accountLink(credentials.displayName).click();
			await expect(page).toHaveURL('/account');
			await expect(accountPage.heading).toBeVisible();
			await expect(accountPage.email).toHaveText(credentials.email);
			await expect(accountPage.displayName).toHaveText(credentials.displayName);
		}
	);

	test(
		'a user created through the API signs in',
		{ tag: '@smoke' },
		async ({ page, apiUser, loginPage, appShell }) => {
			await loginPage.goto();
			await loginPage.signIn(apiUser);

			await expect(page).toHaveURL('/');
			await expect(appShell.accountLink(apiUser.displayName)).toBeVisible();
			await expectConnected(appShell);
			const me = await page.request.get('/api/v1/me');
			expect(me.status()).toBe(200);
			expect((await me.json()).user).toMatchObject({
				email: apiUser.email,
				displayName: apiUser.displayName
			});
		}
	);

	test('a wrong password shows an error and stays on the sign-in page', async ({
		page,
		apiUser,
		loginPage,
		appShell
	}) => {
		await loginPage.goto();
		await loginPage.signIn({ email: apiUser.email, password: `${apiUser.password}-wrong` });

		await expect(loginPage.error).toHaveText('Wrong email or password');
		await expect(page).toHaveURL('/login');
		await expect(loginPage.email).toHaveValue(apiUser.email);
		await expect(appShell.connection).toHaveCount(0);
		await expect(appShell.signInLink).toBeVisible();
		expect((await page.request.get('/api/v1/me')).status()).toBe(401);
	});

	test('changing the display name on /account updates the header', async ({
		page,
		apiUser,
		loginPage,
		appShell,
		accountPage
	}) => {
		await loginPage.goto('/account');
		await loginPage.signIn(apiUser);
		await expect(page).toHaveURL('/account');
		await expect(accountPage.displayNameInput).toHaveValue(apiUser.displayName);

		const renamed = `${apiUser.displayName} (renamed)`;
		await accountPage.changeDisplayName(renamed);

		await expect(accountPage.saved).toBeVisible();
		await expect(accountPage.displayName).toHaveText(renamed);
		await expect(appShell.accountLink(renamed)).toBeVisible();
		await expect(appShell.accountLink(apiUser.displayName)).toHaveCount(0);

		// Stored, not just rendered: it survives a reload.
		await page.reload();
		await expect(appShell.accountLink(renamed)).toBeVisible();
		await expect(accountPage.displayNameInput).toHaveValue(renamed);
	});

	test('a signed-out visit to /account goes through sign-in and comes back', async ({
		page,
		apiUser,
		loginPage,
		accountPage
	}) => {
		await accountPage.goto();
		await expect(page).toHaveURL('/login?redirectTo=%2Faccount');
		await expect(loginPage.heading).toBeVisible();

		await loginPage.signIn(apiUser);
		await expect(page).toHaveURL('/account');
		await expect(accountPage.email).toHaveText(apiUser.email);
		await expect(accountPage.displayName).toHaveText(apiUser.displayName);
	});
});
