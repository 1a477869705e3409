import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /account/two-factor: turn the authenticator app on or off, recovery codes. */
export class TwoFactorSettingsPage {
	readonly heading: Locator;
	readonly status: Locator;
	readonly currentPassword: Locator;
	readonly startSetup: Locator;
	readonly qrCode: Locator;
	readonly secret: Locator;
	readonly code: Locator;
	readonly confirm: Locator;
	readonly recoveryCodes: Locator;
	readonly error: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Two-factor authentication' });
		this.status = main.getByTestId('two-factor-status');
		this.currentPassword = main.getByLabel('Current password');
		this.startSetup = main.getByRole('button', { name: 'Set up authenticator app' });
		this.qrCode = main.getByRole('img', { name: 'QR code for your authenticator app' });
		this.secret = main.getByTestId('totp-secret');
		this.code = main.getByLabel('Code from the app');
		this.confirm = main.getByRole('button', { name: 'Turn on two-factor' });
		this.recoveryCodes = main.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
		this.error = main.getByRole('alert');
	}

	async goto() {
		await this.page.goto('/account/two-factor');
		await waitForHydration(this.page);
	}

	/** Starts enrolment and returns the key the page shows for typing in by hand. */
	async beginSetup(password: string): Promise<string> {
		await this.currentPassword.fill(password);
		await this.startSetup.click();
		await this.qrCode.waitFor();
		return (await this.secret.textContent())!.trim();
	}

	async confirmWith(code: string) {
		await this.code.fill(code);
		await this.confirm.click();
	}
}

/** /login/two-factor: the second step of signing in. */
export class TwoFactorLoginPage {
	readonly heading: Locator;
	readonly code: Locator;
	readonly recoveryCode: Locator;
	readonly useRecoveryCode: Locator;
	readonly verify: Locator;
	readonly error: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Two-factor authentication' });
		this.code = main.getByLabel('Authentication code');
		this.recoveryCode = main.getByLabel('Recovery code');
		this.useRecoveryCode = main.getByRole('button', { name: 'Use a recovery code' });
		this.verify = main.getByRole('button', { name: 'Verify' });
		this.error = main.getByRole('alert');
	}

	async enterCode(code: string) {
		await waitForHydration(this.page);
		await this.code.fill(code);
		await this.verify.click();
	}
}
