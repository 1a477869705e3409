import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /account/email: the current address, its verification and the change form. */
export class AccountEmailPage {
	readonly heading: Locator;
	readonly current: Locator;
	readonly verified: Locator;
	readonly notVerified: Locator;
	readonly resend: Locator;
	readonly newEmail: Locator;
	readonly currentPassword: Locator;
	readonly sendChange: Locator;
	readonly status: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Email', exact: true });
		this.current = main.getByTestId('current-email');
		this.verified = main.getByText('Verified', { exact: true });
		this.notVerified = main.getByText('Not verified', { exact: true });
		this.resend = main.getByRole('button', { name: 'Resend verification email' });
		this.newEmail = main.getByLabel('New email');
		this.currentPassword = main.getByLabel('Current password');
		this.sendChange = main.getByRole('button', { name: 'Send confirmation link' });
		this.status = main.getByRole('status');
	}

	async goto() {
		await this.page.goto('/account/email');
		await waitForHydration(this.page);
	}
}

/** /verify-email?token=…: shows what the link does; only the button confirms. */
export class VerifyEmailPage {
	readonly confirm: Locator;
	readonly done: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.confirm = main.getByRole('button', { name: 'Confirm email' });
		this.done = main.getByRole('status');
	}

	async goto(pathAndQuery: string) {
		await this.page.goto(pathAndQuery);
		await waitForHydration(this.page);
	}
}
