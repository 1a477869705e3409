import { mkdir } from 'node:fs/promises';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { AdminPage } from '../pages/admin.page.ts';
import { expect, LibraryApi, newCredentials, SAME_ORIGIN, test, uniqueWord } from '../fixtures.ts';

// The instance's admin, from global-setup.ts (registered first, or given by E2E_ADMIN_EMAIL).
const admin = { email: process.env.E2E_ADMIN_EMAIL, password: process.env.E2E_ADMIN_PASSWORD };

test.describe.configure({ timeout: 90_000 });

test(
	'an admin disables a user (signed out live), changes their quota and takes their track down',
	{ tag: '@admin' },
	async ({ page, browser, baseURL }, testInfo) => {
		test.skip(!admin.email, 'no admin of this instance: set E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD');
		const signIn = await page.request.post('/api/v1/auth/login', {
			data: admin,
			headers: SAME_ORIGIN
		});
		expect(signIn.status(), await signIn.text()).toBe(200);

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
	}
);

test(
	'a non-admin is turned away from /admin',
	{ tag: '@admin' },
	async ({ page, signedInUser }) => {
		// global-setup.ts registered the instance's first account (its admin) before this one.
		void signedInUser;
		const res = await page.goto('/admin');
		expect(res?.status()).toBe(403);
		await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
	}
);
