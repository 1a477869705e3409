import type { Browser, Page } from '@playwright/test';
import { expect, publicTrack, SAME_ORIGIN, test, uniqueWord } from '../fixtures.ts';
import { AppShell } from '../pages/app-shell.page.ts';
import { waitForHydration } from '../pages/hydration.ts';
import { InvitePage } from '../pages/invite.page.ts';
import { RoomPage } from '../pages/room.page.ts';
import { createRoomWithInvite } from '../pages/sync.ts';

// A guest who joined by link sees the room and what it needs, not the whole app (issue 18).
test.describe.configure({ timeout: 90_000 });

/**
 * A room made by the signed-in user of `host` (named `<label> <word>`), and a guest in a browser
 * context of their own who joined it through the invite page.
 */
async function roomWithGuest(host: Page, browser: Browser, baseURL: string, label: string) {
	const word = uniqueWord();
	const name = `${label} ${word}`;
	const { roomId, token } = await createRoomWithInvite(host.request, name);
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	const invite = new InvitePage(page);
	await invite.open(`/invite/${token}`);
	await invite.joinAsGuestNamed(`Guest ${word}`);
	const room = new RoomPage(page);
	await room.ready();
	return { word, name, roomId, guest: { context, page, room, shell: new AppShell(page) } };
}

test(
	'a guest cannot reach upload or the library, in the UI or the API, and sees the room',
	{ tag: '@rooms' },
	async ({ page, signedInUser, browser, baseURL }) => {
		void signedInUser;
		const { name, roomId, guest } = await roomWithGuest(page, browser, baseURL!, 'Guests');
		try {
			await expect(guest.room.heading).toHaveText(name);
			// The header offers their rooms and their name, nothing of the library.
			const nav = guest.shell.nav;
			await expect(nav.getByRole('link', { name: 'Rooms' })).toBeVisible();
			for (const name of ['Library', 'Upload', 'Search', 'Home', 'Admin']) {
				await expect(nav.getByRole('link', { name, exact: true })).toHaveCount(0);
			}
			await expect(nav.getByRole('combobox')).toHaveCount(0);

			// Typed addresses lead back to the room.
			for (const path of ['/upload', '/library', '/search?q=a', '/account/sessions']) {
				await guest.page.goto(path);
				await expect(guest.page).toHaveURL(new RegExp(`/rooms/${roomId}$`));
				await guest.room.ready();
			}

			// And the API says why.
			const api = guest.context.request;
			for (const path of ['/api/v1/tracks', '/api/v1/search?q=a', '/api/v1/me/likes']) {
				const res = await api.get(path);
				expect(res.status(), path).toBe(403);
				expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
					'GUEST_FORBIDDEN'
				);
			}
			const upload = await api.post('/api/v1/tracks', {
				headers: { ...SAME_ORIGIN, 'content-type': 'audio/mpeg' },
				data: Buffer.from('not really audio')
			});
			expect(upload.status()).toBe(403);
		} finally {
			await guest.context.close();
		}
	}
);

test(
	'a guest adds only the room’s tracks, and from the library once the host allows it',
	{ tag: '@rooms' },
	async ({ page, signedInUser, browser, baseURL }, testInfo) => {
		void signedInUser;
		const { word, roomId, guest } = await roomWithGuest(page, browser, baseURL!, 'Adding');
		const title = `Lantern ${word}`;
		await publicTrack(page.request, testInfo, title, `Guest Artist ${word}`, 520);
		const host = new RoomPage(page);
		await host.goto(roomId);
		try {
			// Off by default: the guest searches what this room had, and it never had this track.
			await guest.room.addSearch.fill(word);
			await expect(
				guest.page.getByRole('status').filter({ hasText: 'No tracks match' })
			).toBeVisible();
			await expect(
				guest.page.getByRole('button', { name: `Add ${title} to queue`, exact: true })
			).toHaveCount(0);

			await host.allowGuestsToAddFromLibrary();
			await guest.room.addSearch.fill('');
			await guest.room.addTrack(word, title);
			await expect(host.item(title)).toBeVisible();
		} finally {
			await guest.context.close();
		}
	}
);

test(
	'signing out as a guest warns that the identity is lost and offers to claim it',
	{ tag: '@rooms' },
	async ({ page, signedInUser, browser, baseURL }) => {
		void signedInUser;
		const { guest } = await roomWithGuest(page, browser, baseURL!, 'Leaving');
		try {
			await guest.shell.nav.getByRole('link', { name: 'Sign out' }).click();
			const main = guest.page.getByRole('main');
			await expect(
				main.getByRole('heading', { name: 'Sign out of this guest account?' })
			).toBeVisible();
			await expect(main).toContainText('you will lose this guest identity');

			// Claiming is one click away, on the only settings page a guest has.
			await main.getByRole('link', { name: 'Claim an account' }).click();
			await expect(guest.page).toHaveURL(/\/account#claim$/);
			await expect(guest.page.getByRole('heading', { name: 'Claim your account' })).toBeVisible();
			await expect(guest.page.getByRole('navigation', { name: 'Account settings' })).toHaveCount(0);
			await expect(guest.page.getByRole('button', { name: 'Upload picture' })).toHaveCount(0);

			await guest.page.goBack();
			await waitForHydration(guest.page);
			await guest.page
				.getByRole('button', { name: 'Sign out and lose this identity', exact: true })
				.click();
			await expect(guest.page).toHaveURL(/\/login$/);
			expect((await guest.context.request.get('/api/v1/me')).status()).toBe(401);
		} finally {
			await guest.context.close();
		}
	}
);
