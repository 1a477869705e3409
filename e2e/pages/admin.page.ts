import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /admin/**: the users list, a user's page (quota, disable, takedown) and the audit log. */
export class AdminPage {
	readonly main: Locator;
	readonly tabs: Locator;
	readonly status: Locator;
	readonly dialog: Locator;

	constructor(readonly page: Page) {
		this.main = page.getByRole('main');
		this.tabs = this.main.getByRole('navigation', { name: 'Administration' });
		this.status = this.main.getByRole('status').filter({ hasNotText: /^$/ });
		this.dialog = page.getByRole('dialog');
	}

	async gotoUsers() {
		await this.page.goto('/admin/users');
		await waitForHydration(this.page);
	}

	async searchUsers(text: string) {
		await this.main.getByRole('searchbox', { name: 'Search users' }).fill(text);
		await this.main.getByRole('button', { name: 'Search' }).click();
	}

	userLink(displayName: string): Locator {
		return this.main.getByRole('link', { name: displayName, exact: true });
	}

	heading(name: string | RegExp): Locator {
		return this.main.getByRole('heading', { level: 1, name });
	}

	async setQuotaMiB(value: string) {
		await this.main.getByLabel('Quota in MiB').fill(value);
		await this.main.getByRole('button', { name: 'Save quota' }).click();
	}

	/** Opens a destructive action's dialog with `opener`, then confirms with `confirm`. */
	async confirm(opener: Locator, confirm: string, fill: Record<string, string> = {}) {
		await opener.click();
		await this.dialog.waitFor();
		for (const [label, value] of Object.entries(fill))
			await this.dialog.getByLabel(label).fill(value);
		await this.dialog.getByRole('button', { name: confirm }).click();
	}

	async disableAccount() {
		await this.confirm(
			this.main.getByRole('button', { name: 'Disable account' }),
			'Disable account'
		);
	}

	async takeDown(title: string, reason: string) {
		await this.confirm(
			this.main.getByRole('button', { name: `Take down ${title}` }),
			'Remove for everyone',
			{ 'Reason (for the audit log)': reason }
		);
	}

	async gotoAudit() {
		await this.tabs.getByRole('link', { name: 'Audit log' }).click();
		await this.heading('Audit log').waitFor();
	}

	auditRow(what: string): Locator {
		return this.main.getByRole('row').filter({ hasText: what });
	}
}
