import { generateHOTP } from '@oslojs/otp';
import { expect, test } from '../fixtures.ts';
import { TwoFactorLoginPage, TwoFactorSettingsPage } from '../pages/two-factor.page.ts';

const STEP_MS = 30_000;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** What an authenticator app does with the key typed in by hand (RFC 4648 base32). */
function decodeBase32(text: string): Uint8Array {
	const bytes: number[] = [];
	let bits = 0;
	let value = 0;
	for (const ch of text.replace(/[=\s]/g, '').toUpperCase()) {
		value = (value << 5) | BASE32.indexOf(ch);
		bits += 5;
		if (bits >= 8) {
			bytes.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return new Uint8Array(bytes);
}

const codeAt = (key: Uint8Array, step: number) => generateHOTP(key, BigInt(step), 6);

test.describe('two-factor authentication', { tag: '@auth' }, () => {
	test('enable it with an authenticator app, then sign in with password and code', async ({
		page,
		signedInUser,
		appShell,
		loginPage
	}) => {
		const settings = new TwoFactorSettingsPage(page);
		const twoFactor = new TwoFactorLoginPage(page);

		await settings.goto();
		await expect(settings.status).toContainText('Off');
		const key = decodeBase32(await settings.beginSetup(signedInUser.password));
		expect(key.byteLength).toBe(20);

		// A wrong code keeps the enrolment on screen and says so.
		const step = Math.floor(Date.now() / STEP_MS);
		await settings.confirmWith(codeAt(key, step + 5));
		await expect(settings.error).toContainText('not valid');
		await expect(settings.secret).toBeVisible();

		await settings.confirmWith(codeAt(key, Math.floor(Date.now() / STEP_MS)));
		await expect(settings.status).toContainText('On');
		await expect(settings.recoveryCodes).toHaveCount(10);

		await appShell.signOut();
		await expect(page).toHaveURL('/login');
		await loginPage.signIn(signedInUser);
		await expect(page).toHaveURL(/\/login\/two-factor/);
		await expect(twoFactor.heading).toBeVisible();
		// Not signed in yet: the password alone opens nothing.
		expect((await page.request.get('/api/v1/me')).status()).toBe(401);

		// The enrolment code is spent; the next step's code is within the accepted window.
		await twoFactor.enterCode(codeAt(key, Math.floor(Date.now() / STEP_MS) + 1));
		await expect(page).toHaveURL('/');
		await expect(appShell.accountLink(signedInUser.displayName)).toBeVisible();
		const me = await page.request.get('/api/v1/me');
		expect(me.status()).toBe(200);
		expect(
			((await me.json()) as { user: { twoFactorEnabled: boolean } }).user.twoFactorEnabled
		).toBe(true);
	});
});
