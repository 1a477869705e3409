import AxeBuilder from '@axe-core/playwright';
import { mkdir } from 'node:fs/promises';
import type { Page, TestInfo } from '@playwright/test';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { expect, LibraryApi, SAME_ORIGIN, test, uniqueWord } from '../fixtures.ts';
import { waitForHydration } from '../pages/hydration.ts';
import { RoomPage } from '../pages/room.page.ts';
import { createRoomWithInvite, RoomRemote } from '../pages/sync.ts';

// Every main page, as the user who sees it, without serious or critical axe violations (WCAG 2.1
// A/AA rules: names, labels, contrast, landmarks). Issue 17.
test.describe.configure({ timeout: 120_000 });

const admin = { email: process.env.E2E_ADMIN_EMAIL, password: process.env.E2E_ADMIN_PASSWORD };

/** Checks the page in both themes (it follows the system's light or dark mode). */
async function expectAccessible(page: Page, testInfo: TestInfo, label: string) {
	await waitForHydration(page);
	for (const colorScheme of ['dark', 'light'] as const) {
		await page.emulateMedia({ colorScheme });
		// A theme switch (or the page's own entrance) runs colour transitions: axe sampling one
		// halfway reports contrast that no one sees at rest. Wait for finite ones to end.
		await page.waitForFunction(() =>
			document
				.getAnimations()
				.every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)
		);
		const results = await new AxeBuilder({ page })
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
			.analyze();
		const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		if (bad.length) {
			await testInfo.attach(`axe-${label}-${colorScheme}.json`, {
				body: JSON.stringify(bad, null, 2),
				contentType: 'application/json'
			});
		}
		const summary = bad.map(
			(v) =>
				`${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
		);
		// Soft: one run lists every page's problems, not only the first page's.
		expect.soft(summary, `${label} (${colorScheme}): serious/critical axe violations`).toEqual([]);
	}
}

test(
	'signed-out pages: sign in, sign up, an invite',
	{ tag: ['@a11y'] },
	async ({ page, browser, baseURL, apiUser }, testInfo) => {
		const pages: [string, string][] = [
			['login', '/login'],
			['register', '/register'],
			['forgot-password', '/forgot-password']
		];
		for (const [label, path] of pages) {
			await page.goto(path);
			await expectAccessible(page, testInfo, label);
		}
		// The invite page as a phone that never saw the app: made by someone else.
		const host = await browser.newContext({ baseURL });
		try {
			const login = await host.request.post('/api/v1/auth/login', {
				data: { email: apiUser.email, password: apiUser.password },
				headers: SAME_ORIGIN
			});
			expect(login.status()).toBe(200);
			const { token } = await createRoomWithInvite(host.request, `A11y ${uniqueWord()}`);
			await page.goto(`/invite/${token}`);
			await expectAccessible(page, testInfo, 'invite');
		} finally {
			await host.close();
		}
	}
);

test(
	'signed-in pages: library, search, track, album, artist, playlist, upload, rooms, a room, account',
	{ tag: ['@a11y'] },
	async ({ page, signedInUser, baseURL }, testInfo) => {
		void signedInUser;
		const word = uniqueWord();
		const dir = testInfo.outputPath('audio');
		await mkdir(dir, { recursive: true });
		const artist = `A11y Artist ${word}`;
		const file = await makeAudio(dir, 'mp3', {
			title: `A11y ${word}`,
			artist,
			album: `A11y Album ${word}`,
			seconds: 2
		});
		const track = await new LibraryApi(page.request).upload(file);
		const made = await page.request.post('/api/v1/playlists', {
			data: { name: `A11y list ${word}` },
			headers: SAME_ORIGIN
		});
		expect(made.status()).toBe(201);
		const { playlist } = (await made.json()) as { playlist: { id: string } };
		const { roomId } = await createRoomWithInvite(page.request, `A11y room ${word}`);

		const pages: [string, string][] = [
			['home', '/'],
			['library', '/library'],
			['search', `/search?q=${word}`],
			['track', `/tracks/${track.id}`],
			['album', `/albums/${track.albumId}`],
			['artist', `/artists/${encodeURIComponent(artist)}`],
			['playlist', `/playlists/${playlist.id}`],
			['upload', '/upload'],
			['rooms', '/rooms'],
			['account', '/account'],
			['account-email', '/account/email'],
			['account-password', '/account/password'],
			['account-sessions', '/account/sessions'],
			['account-two-factor', '/account/two-factor'],
			['account-connections', '/account/connections'],
			['account-delete', '/account/delete']
		];
		for (const [label, path] of pages) {
			await page.goto(path);
			await expectAccessible(page, testInfo, label);
		}
		const room = new RoomPage(page);
		await room.goto(roomId);
		await expectAccessible(page, testInfo, 'room');
		// The room's own settings and invite dialogs.
		await room.settingsButton.click();
		await expect(room.settingsDialog).toBeVisible();
		await expectAccessible(page, testInfo, 'room-settings');
		await room.settingsDialog.getByRole('button', { name: 'Close', exact: true }).click();
		await room.inviteButton.click();
		await expect(room.inviteDialog).toBeVisible();
		await expectAccessible(page, testInfo, 'room-invite');
		await room.inviteDialog.getByRole('button', { name: 'Close', exact: true }).click();

		// What the room plays is announced politely, without anyone looking.
		const announcement = page.getByTestId('now-playing-announcement');
		await expect(announcement).toHaveAttribute('aria-live', 'polite');
		await expect(announcement).toHaveText('');
		const remote = await RoomRemote.forPage(page, baseURL!, roomId);
		try {
			await remote.queue(track.id);
			await remote.command('playback:play');
			await expect(announcement).toHaveText(`Now playing: A11y ${word} by ${artist}`);
		} finally {
			remote.close();
		}
		await expectAccessible(page, testInfo, 'room-playing');
	}
);

test(
	'with reduced motion asked for, nothing animates or transitions',
	{ tag: ['@a11y'] },
	async ({ page, signedInUser }) => {
		void signedInUser;
		const { roomId } = await createRoomWithInvite(page.request, `Still ${uniqueWord()}`);
		/** The longest transition or animation of any element on the page, in seconds. */
		const longest = () =>
			page.evaluate(() =>
				Math.max(
					...[...document.querySelectorAll('body *')].flatMap((el) => {
						const css = getComputedStyle(el);
						return `${css.transitionDuration},${css.animationDuration}`
							.split(',')
							.map((v) => parseFloat(v));
					})
				)
			);
		const room = new RoomPage(page);
		await room.goto(roomId);
		// The reaction buttons pop when pressed.
		expect(await longest()).toBeGreaterThan(0.05);
		await page.emulateMedia({ reducedMotion: 'reduce' });
		expect(await longest()).toBeLessThan(0.001);
	}
);

test('admin pages', { tag: ['@a11y', '@admin'] }, async ({ page }, testInfo) => {
	test.skip(!admin.email, 'no admin of this instance: set E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD');
	const signIn = await page.request.post('/api/v1/auth/login', {
		data: admin,
		headers: SAME_ORIGIN
	});
	expect(signIn.status(), await signIn.text()).toBe(200);
	const pages: [string, string][] = [
		['admin', '/admin'],
		['admin-users', '/admin/users'],
		['admin-tracks', '/admin/tracks'],
		['admin-audit', '/admin/audit']
	];
	for (const [label, path] of pages) {
		await page.goto(path);
		await expectAccessible(page, testInfo, label);
	}
});
