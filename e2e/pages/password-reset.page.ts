import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /forgot-password: ask for a reset link. */
export class ForgotPasswordPage {
	readonly heading: Locator;
	readonly email: Locator;
	readonly submit: Locator;
	readonly sent: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Reset your password' });
		this.email = main.getByLabel('Email');
		this.submit = main.getByRole('button', { name: 'Send reset link' });
		this.sent = main.getByRole('status');
	}

	/** The "Forgot password?" link on the sign-in page. */
	static linkOnLogin(page: Page): Locator {
		return page.getByRole('main').getByRole('link', { name: 'Forgot password?' });
	}

	async request(email: string) {
		await waitForHydration(this.page);
		await this.email.fill(email);
		await this.submit.click();
	}
}

/** /reset-password?token=…: choose the new password. */
export class ResetPasswordPage {
	readonly heading: Locator;
	readonly password: Locator;
	readonly code: Locator;
	readonly submit: Locator;
	readonly done: Locator;
	readonly error: Locator;
	readonly signIn: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Choose a new password' });
		this.password = main.getByLabel('New password');
		this.code = main.getByLabel('Authentication code');
		this.submit = main.getByRole('button', { name: 'Set new password' });
		this.done = main.getByRole('status');
		this.error = main.getByRole('alert');
		this.signIn = main.getByRole('link', { name: 'Sign in' });
	}

	async goto(pathAndQuery: string) {
		await this.page.goto(pathAndQuery);
		await waitForHydration(this.page);
	}

	async setPassword(password: string) {
		await this.password.fill(password);
		await this.submit.click();
	}
}
