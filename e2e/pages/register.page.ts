import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';
import type { Credentials } from '../fixtures.ts';

export class RegisterPage {
	readonly heading: Locator;
	readonly displayName: Locator;
	readonly email: Locator;
	readonly password: Locator;
	readonly submit: Locator;
	readonly error: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Create your account' });
		this.displayName = main.getByLabel('Display name', { exact: true });
		this.email = main.getByLabel('Email');
		this.password = main.getByLabel('Password');
		this.submit = main.getByRole('button', { name: 'Create account' });
		this.error = main.getByRole('alert');
	}

	async goto() {
		await this.page.goto('/register');
		await waitForHydration(this.page);
	}

	async register({ displayName, email, password }: Credentials) {
		await waitForHydration(this.page);
		await this.displayName.fill(displayName);
		await this.email.fill(email);
		await this.password.fill(password);
		await this.submit.click();
	}
}
