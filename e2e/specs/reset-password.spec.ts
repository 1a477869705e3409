import { expect, test } from '../fixtures.ts';
import { linkIn, mailMark, waitForMail } from '../mail.ts';
import { needsMailbox } from '../target.ts';
import { ForgotPasswordPage, ResetPasswordPage } from '../pages/password-reset.page.ts';

test.describe('password reset', { tag: ['@auth', '@needs-mail'] }, () => {
	needsMailbox();

	test('forgot password: the mailed link sets a new password; the old one stops working', async ({
		page,
		credentials,
		registerPage,
		loginPage,
		appShell
	}) => {
		await registerPage.goto();
		await registerPage.register(credentials);
		await expect(page).toHaveURL('/');
		// Unverified accounts work, with a reminder.
		await expect(page.getByTestId('verify-email-notice')).toBeVisible();
		await appShell.signOut();
		await expect(loginPage.heading).toBeVisible();

		await ForgotPasswordPage.linkOnLogin(page).click();
		const forgot = new ForgotPasswordPage(page);
		await expect(forgot.heading).toBeVisible();
		const seen = await mailMark(credentials.email);
		await forgot.request(credentials.email);
		await expect(forgot.sent).toContainText(credentials.email);

		const mail = await waitForMail({ to: credentials.email, subject: /reset/i, seen });
		const reset = new ResetPasswordPage(page);
		await reset.goto(linkIn(mail, '/reset-password'));
		await expect(reset.heading).toBeVisible();
		await expect(reset.code).toHaveCount(0); // no two-factor on this account
		const newPassword = `${credentials.password}-new`;
		await reset.setPassword(newPassword);
		await expect(reset.done).toContainText('Your password is changed');

		// The link is spent.
		await reset.goto(linkIn(mail, '/reset-password'));
		await expect(reset.error).toContainText('invalid, expired or already used');

		await reset.page.goto('/login');
		await loginPage.signIn(credentials);
		await expect(loginPage.error).toBeVisible();
		await expect(page).toHaveURL(/\/login/);

		await loginPage.signIn({ email: credentials.email, password: newPassword });
		await expect(page).toHaveURL('/');
		await expect(appShell.accountLink(credentials.displayName)).toBeVisible();
		// Using the reset link proved the inbox: the reminder is gone.
		await expect(page.getByTestId('verify-email-notice')).toHaveCount(0);
	});
});
