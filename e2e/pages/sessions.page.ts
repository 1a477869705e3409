import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /account/sessions: every signed-in session, with "Sign out" per session and for all. */
export class SessionsPage {
	readonly heading: Locator;
	readonly list: Locator;
	readonly sessions: Locator;
	readonly signOutEverywhereElse: Locator;
	readonly signOutEverywhere: Locator;
	readonly status: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Sessions' });
		this.list = main.getByRole('list', { name: 'Signed-in sessions' });
		this.sessions = this.list.getByRole('listitem');
		this.signOutEverywhereElse = main.getByRole('button', { name: 'Sign out everywhere else' });
		this.signOutEverywhere = main.getByRole('button', { name: 'Sign out everywhere', exact: true });
		this.status = main.getByRole('status');
	}

	async goto() {
		await this.page.goto('/account/sessions');
		await waitForHydration(this.page);
	}

	/** A session's row, by its device label ("Firefox on Linux"; the current one adds "(this device)"). */
	session(device: string): Locator {
		return this.list.getByRole('listitem', { name: device, exact: true });
	}

	get current(): Locator {
		return this.list.getByRole('listitem', { name: /\(this device\)$/ });
	}

	async signOut(device: string) {
		await this.session(device).getByRole('button', { name: 'Sign out' }).click();
	}
}
