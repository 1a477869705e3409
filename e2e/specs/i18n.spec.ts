import type { ConsoleMessage, Page } from '@playwright/test';
import { expect, publicTrack, test, uniqueWord } from '../fixtures.ts';
import { waitForHydration } from '../pages/hydration.ts';
import { createRoomWithInvite, RoomRemote } from '../pages/sync.ts';

// Two languages (issue 17): the header switches, the choice sticks, the client renders what the
// server rendered, and a Russian browser gets a Russian room from an invite link.
test.describe.configure({ timeout: 90_000 });

/** Console lines about hydration (Svelte warns on text that differs from the server's). */
function hydrationWarnings(page: Page): string[] {
	const found: string[] = [];
	page.on('console', (msg: ConsoleMessage) => {
		if (/hydrat/i.test(msg.text())) found.push(`${msg.type()}: ${msg.text()}`);
	});
	return found;
}

test(
	'switching to Russian in the header: the page is Russian, stays so on reload, hydrates cleanly',
	{ tag: '@i18n' },
	async ({ page, signedInUser, browser, baseURL }) => {
		void signedInUser;
		const warnings = hydrationWarnings(page);
		await page.goto('/rooms');
		await waitForHydration(page);
		// Its accessible name is translated too: found by role alone.
		const nav = page.getByRole('banner').getByRole('navigation');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(nav.getByRole('link', { name: 'Rooms' })).toBeVisible();

		await page.getByRole('button', { name: 'Переключить на русский' }).click();
		await expect(page).toHaveURL(/\/rooms$/);
		await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
		await waitForHydration(page);
		await expect(nav.getByRole('link', { name: 'Комнаты' })).toBeVisible();
		await expect(nav.getByRole('button', { name: 'Выйти' })).toBeVisible();

		await page.reload();
		await waitForHydration(page);
		await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
		await expect(nav.getByRole('link', { name: 'Библиотека' })).toBeVisible();
		await expect(nav.getByRole('status')).toHaveText(/Подключено/);
		// What the client rendered is what the server sent: the same header text as a browser
		// without JavaScript gets (Svelte's own mismatch warnings are dev-build only).
		const serverOnly = await browser.newContext({
			baseURL,
			javaScriptEnabled: false,
			storageState: await page.context().storageState()
		});
		try {
			const plain = await serverOnly.newPage();
			await plain.goto('/rooms');
			const serverNav = plain.getByRole('banner').getByRole('navigation');
			// (The connection status is the client's alone: it is not in the server's page.)
			const texts = (nav: typeof serverNav) =>
				nav.locator('a, button').evaluateAll((els) => els.map((e) => e.textContent?.trim()));
			expect(await texts(nav)).toEqual(await texts(serverNav));
		} finally {
			await serverOnly.close();
		}
		// Client-side navigation renders in Russian too.
		await nav.getByRole('link', { name: 'Комнаты' }).click();
		await expect(nav.getByRole('link', { name: 'Комнаты' })).toHaveAttribute(
			'aria-current',
			'page'
		);

		await page.getByRole('button', { name: 'Switch to English' }).click();
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');
		await expect(nav.getByRole('link', { name: 'Rooms' })).toBeVisible();
		expect(warnings).toEqual([]);
	}
);

test(
	'a guest with a Russian browser joins from an invite link, votes and chats in Russian',
	{ tag: '@i18n' },
	async ({ page, signedInUser, browser, baseURL }, testInfo) => {
		void signedInUser;
		const word = uniqueWord();
		const { roomId, token } = await createRoomWithInvite(page.request, `Комната ${word}`);
		const first = await publicTrack(page.request, testInfo, `Первый ${word}`, 'Кино', 440);
		const second = await publicTrack(page.request, testInfo, `Второй ${word}`, 'Кино', 550);
		const host = await RoomRemote.forPage(page, baseURL!, roomId);
		await host.queue(first.id);
		await host.queue(second.id);

		const context = await browser.newContext({ baseURL, locale: 'ru-RU' });
		try {
			const guest = await context.newPage();
			const warnings = hydrationWarnings(guest);
			await guest.goto(`/invite/${token}`);
			await waitForHydration(guest);
			await expect(guest.locator('html')).toHaveAttribute('lang', 'ru');
			await expect(guest.getByText('Вас приглашают послушать музыку вместе')).toBeVisible();
			await guest.getByLabel('Отображаемое имя').fill(`Гость ${word}`);
			await guest.getByRole('button', { name: 'Войти как гость' }).click();

			await expect(guest).toHaveURL(new RegExp(`/rooms/${roomId}$`));
			await expect(guest.getByTestId('room')).toHaveAttribute('data-room-status', 'ready', {
				timeout: 15_000
			});
			const main = guest.getByRole('main');
			await expect(main.getByRole('heading', { name: 'Чат' })).toBeVisible();

			// The queue holds what is not playing yet: vote for it.
			const queue = main.getByRole('list', { name: 'Очередь комнаты' });
			const item = queue.getByTestId('queue-item').first();
			await expect(item).toBeVisible();
			await item.getByRole('button', { name: /^Голосовать за «/ }).click();
			await expect(item.getByTestId('queue-score')).toHaveText('1');

			await main.getByRole('textbox', { name: 'Сообщение' }).fill(`Привет, ${word}!`);
			await main.getByRole('button', { name: 'Отправить' }).click();
			await expect(
				main.getByTestId('chat-message').filter({ hasText: `Привет, ${word}!` })
			).toBeVisible();
			expect(warnings).toEqual([]);
		} finally {
			await context.close();
			host.close();
		}
	}
);
