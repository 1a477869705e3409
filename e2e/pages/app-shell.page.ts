import type { Locator, Page } from '@playwright/test';

/** The header every page shares: realtime connection status, account link, sign in/out. */
export class AppShell {
	readonly header: Locator;
	readonly nav: Locator;
	readonly connection: Locator;
	readonly clockOffset: Locator;
	readonly clockRtt: Locator;
	readonly signOutButton: Locator;
	readonly signInLink: Locator;

	constructor(readonly page: Page) {
		this.header = page.getByRole('banner');
		this.nav = this.header.getByRole('navigation', { name: 'Main' });
		this.connection = this.header.getByRole('status', { name: 'Realtime connection' });
		this.clockOffset = this.connection.getByTestId('clock-offset');
		this.clockRtt = this.connection.getByTestId('clock-rtt');
		this.signOutButton = this.nav.getByRole('button', { name: 'Sign out' });
		this.signInLink = this.nav.getByRole('link', { name: 'Sign in', exact: true });
	}

	/** The header link to /account, labelled with the signed-in user's display name. */
	accountLink(displayName: string): Locator {
		return this.nav.getByRole('link', { name: displayName, exact: true });
	}

	async signOut() {
		await this.signOutButton.click();
	}
}
