import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

export class AccountPage {
	readonly heading: Locator;
	readonly displayName: Locator;
	readonly email: Locator;
	readonly displayNameInput: Locator;
	readonly save: Locator;
	readonly saved: Locator;
	readonly error: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Your account' });
		this.displayName = main.getByTestId('account-display-name');
		this.email = main.getByTestId('account-email');
		this.displayNameInput = main.getByLabel('Display name', { exact: true });
		this.save = main.getByRole('button', { name: 'Save' });
		this.saved = main.getByRole('status').filter({ hasText: 'Saved.' });
		this.error = main.getByRole('alert');
	}

	async goto() {
		await this.page.goto('/account');
		await waitForHydration(this.page);
	}

	async changeDisplayName(name: string) {
		await waitForHydration(this.page);
		await this.displayNameInput.fill(name);
		await this.save.click();
	}
}
