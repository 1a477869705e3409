import { expect, test } from '../fixtures.ts';
import { linkIn, mailMark, waitForMail } from '../mail.ts';
import { needsMailbox } from '../target.ts';
import { AccountEmailPage, VerifyEmailPage } from '../pages/account-email.page.ts';

test.describe('email verification and change', { tag: ['@auth', '@needs-mail'] }, () => {
	needsMailbox();

	test('resend a verification link, confirm it with the button, then change the address', async ({
		page,
		signedInUser
	}) => {
		const account = new AccountEmailPage(page);
		await account.goto();
		await expect(account.current).toHaveText(signedInUser.email);
		await expect(account.notVerified).toBeVisible();

		let seen = await mailMark(signedInUser.email);
		await account.resend.click();
		await expect(account.status).toContainText('Sent');
		let mail = await waitForMail({ to: signedInUser.email, subject: /confirm your email/i, seen });

		const verify = new VerifyEmailPage(page);
		await verify.goto(linkIn(mail, '/verify-email'));
		await verify.confirm.click();
		await expect(verify.done).toContainText(signedInUser.email);

		await account.goto();
		await expect(account.verified).toBeVisible();

		const next = signedInUser.email.replace('@', '+new@');
		seen = await mailMark(next);
		await account.newEmail.fill(next);
		await account.currentPassword.fill(signedInUser.password);
		await account.sendChange.click();
		await expect(account.status).toContainText(next);
		mail = await waitForMail({ to: next, subject: /new email/i, seen });
		await verify.goto(linkIn(mail, '/verify-email'));
		await expect(page.getByRole('main')).toContainText(next);
		await verify.confirm.click();
		await expect(verify.done).toContainText(next);

		await account.goto();
		await expect(account.current).toHaveText(next);
		await expect(account.verified).toBeVisible();
	});
});
