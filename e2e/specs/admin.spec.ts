import { mkdir } from 'node:fs/promises';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { e2eSql } from '../db.ts';
import { AdminPage } from '../pages/admin.page.ts';
import { expect, LibraryApi, newCredentials, SAME_ORIGIN, test, uniqueWord } from '../fixtures.ts';

test.describe.configure({ timeout: 90_000 });

test('an admin disables a user (signed out live), changes their quota and takes their track down', async ({
	page,
	browser,
	baseURL
}, testInfo) => {
	// The admin: registered through the API, then given the role (the first account of this
	// shared e2e instance is whichever spec registered first).
	const admin = newCredentials();
	expect(
		(
			await page.request.post('/api/v1/auth/register', { data: admin, headers: SAME_ORIGIN })
		).status()
	).toBe(201);
	await e2eSql('UPDATE users SET is_admin = true WHERE email = $1', [admin.email]);

	// The user, in a browser of their own, with a track and the app open (a live socket).
	const user = newCredentials();
	const word = uniqueWord();
	const title = `Takedown ${word}`;
	const other = await browser.newContext({ baseURL });
	try {
		const reg = await other.request.post('/api/v1/auth/register', {
			data: user,
			headers: SAME_ORIGIN
		});
		expect(reg.status(), await reg.text()).toBe(201);
		const dir = testInfo.outputPath('audio');
		await mkdir(dir, { recursive: true });
		const file = await makeAudio(dir, 'mp3', { seconds: 1, title, artist: `Artist ${word}` });
		const track = await new LibraryApi(other.request).upload(file);
		const userPage = await other.newPage();
		await userPage.goto('/');
		await expect(userPage.getByRole('status', { name: 'Realtime connection' })).toHaveText(
			/^\s*Connected\b/
		);

		const adminPage = new AdminPage(page);
		await adminPage.gotoUsers();
		await adminPage.searchUsers(user.email);
		await adminPage.userLink(user.displayName).click();
		await expect(adminPage.heading(new RegExp(user.displayName))).toBeVisible();

		await adminPage.setQuotaMiB('5');
		await expect(adminPage.status).toHaveText('Upload quota saved.');
		await expect(page.getByLabel('Quota in MiB')).toHaveValue('5');

		await adminPage.disableAccount();
		await expect(adminPage.status).toContainText('Account disabled');
		await expect(adminPage.heading(/disabled/)).toBeVisible();
		// The user's open app is signed out by its socket, and cannot sign back in.
		await expect(userPage).toHaveURL(/\/login/, { timeout: 10_000 });
		const again = await other.request.post('/api/v1/auth/login', {
			data: { email: user.email, password: user.password },
			headers: SAME_ORIGIN
		});
		expect(again.status()).toBe(403);
		expect(await again.text()).toMatch(/disabled by an administrator/);

		await adminPage.takeDown(title, `e2e takedown ${word}`);
		await expect(adminPage.status).toHaveText('Track removed for everyone.');
		await expect(page.getByText('No uploads')).toBeVisible();
		expect((await page.request.get(`/api/v1/tracks/${track.id}`)).status()).toBe(404);

		await adminPage.gotoAudit();
		await expect(adminPage.auditRow(`e2e takedown ${word}`)).toContainText('Took track down');
		await expect(
			adminPage.auditRow('Disabled account').filter({ hasText: user.email })
		).toHaveCount(1);
		await expect(
			adminPage.auditRow('Changed upload quota').filter({ hasText: user.email })
		).toHaveCount(1);
	} finally {
		await other.close();
	}
});

test('a non-admin is turned away from /admin', async ({ page, signedInUser }) => {
	// Whichever account this instance saw first is its admin: make sure it is not this one.
	await e2eSql('UPDATE users SET is_admin = false WHERE email = $1', [signedInUser.email]);
	const res = await page.goto('/admin');
	expect(res?.status()).toBe(403);
	await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
});
