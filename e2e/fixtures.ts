import { test as base, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { AccountPage } from './pages/account.page.ts';
import { AppShell } from './pages/app-shell.page.ts';
import { LoginPage } from './pages/login.page.ts';
import { RegisterPage } from './pages/register.page.ts';

export interface Credentials {
	email: string;
	password: string;
	displayName: string;
}

/** A user nobody has registered yet: unique per call, so tests never collide (or retry into 409s). */
export function newCredentials(): Credentials {
	const id = randomBytes(5).toString('hex');
	return {
		// Lower case: the app normalises emails, and the tests compare what it shows.
		email: `e2e-${id}@example.test`,
		password: `pw-${randomBytes(8).toString('hex')}`,
		displayName: `Listener ${id}`
	};
}

interface Fixtures {
	/** Fresh, unregistered credentials for this test. */
	credentials: Credentials;
	/** A user registered through the JSON API (not signed in in `page`); its credentials. */
	apiUser: Credentials;
	registerPage: RegisterPage;
	loginPage: LoginPage;
	appShell: AppShell;
	accountPage: AccountPage;
}

export const test = base.extend<Fixtures>({
	// Playwright requires the object pattern even when a fixture uses no other fixture.
	// eslint-disable-next-line no-empty-pattern
	credentials: async ({}, use) => {
		await use(newCredentials());
	},
	apiUser: async ({ request }, use) => {
		const user = newCredentials();
		const res = await request.post('/api/v1/auth/register', { data: user });
		expect(res.status(), `seeding ${user.email}: ${await res.text()}`).toBe(201);
		const body = (await res.json()) as { user: { email: string; displayName: string } };
		expect(body.user).toMatchObject({ email: user.email, displayName: user.displayName });
		await use(user);
	},
	registerPage: async ({ page }, use) => {
		await use(new RegisterPage(page));
	},
	loginPage: async ({ page }, use) => {
		await use(new LoginPage(page));
	},
	appShell: async ({ page }, use) => {
		await use(new AppShell(page));
	},
	accountPage: async ({ page }, use) => {
		await use(new AccountPage(page));
	}
});

export { expect };
