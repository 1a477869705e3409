import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

export class LoginPage {
	readonly heading: Locator;
	readonly email: Locator;
	readonly password: Locator;
	readonly submit: Locator;
	readonly error: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Sign in' });
		this.email = main.getByLabel('Email');
		this.password = main.getByLabel('Password');
		this.submit = main.getByRole('button', { name: 'Sign in' });
		this.error = main.getByRole('alert');
	}

	async goto(redirectTo?: string) {
		await this.page.goto(
			redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login'
		);
		await waitForHydration(this.page);
	}

	async signIn({ email, password }: { email: string; password: string }) {
		await waitForHydration(this.page);
		await this.email.fill(email);
		await this.password.fill(password);
		await this.submit.click();
	}
}
