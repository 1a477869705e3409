import type { Page } from '@playwright/test';
import { expect, publicTrack, test, uniqueWord } from '../fixtures.ts';
import { RoomPage } from '../pages/room.page.ts';
import { createRoomWithInvite, RoomRemote } from '../pages/sync.ts';

// A phone network that refuses WebSockets, or drops the connection, still gets a working room
// (issue 17): HTTP long-polling as the fallback, a clear banner while the connection is gone.
test.describe.configure({ timeout: 90_000 });

const REALTIME = /\/socket\.io\//;

/** Opens the room and checks that voting and chatting go through whatever transport is up. */
async function voteAndChat(page: Page, roomId: string, title: string, word: string) {
	const room = new RoomPage(page);
	await room.goto(roomId);
	await room.addTrack(word, title);
	await room.upvote(title).click();
	await expect(room.upvote(title)).toHaveAttribute('aria-pressed', 'true');
	await expect(room.score(title)).toHaveText('1');
	const text = `over polling ${word}`;
	await room.sendChat(text);
	await expect(room.chatMessages.filter({ hasText: text })).toHaveCount(1);
	return room;
}

test(
	'with WebSockets blocked the room connects over long-polling and works',
	{ tag: ['@rooms', '@phone'] },
	async ({ page, signedInUser }, testInfo) => {
		void signedInUser;
		const word = uniqueWord();
		const title = `Polling ${word}`;
		await publicTrack(page.request, testInfo, title, `Artist ${word}`, 440);
		const { roomId } = await createRoomWithInvite(page.request, `Polling ${word}`);

		// What the page sees when a network refuses the WebSocket upgrade: the socket errors and
		// closes before it opens. (Chromium's request blocking and Playwright's WebSocket routes
		// cannot refuse a handshake; they only close an open socket.) HTTP stays untouched.
		await page.addInitScript(() => {
			const Real = window.WebSocket;
			class Refused extends EventTarget {
				static readonly CONNECTING = 0;
				static readonly OPEN = 1;
				static readonly CLOSING = 2;
				static readonly CLOSED = 3;
				readyState = 0;
				binaryType = 'blob';
				onopen: ((e: Event) => void) | null = null;
				onerror: ((e: Event) => void) | null = null;
				onclose: ((e: CloseEvent) => void) | null = null;
				onmessage: ((e: MessageEvent) => void) | null = null;
				constructor(readonly url: string) {
					super();
					setTimeout(() => {
						this.readyState = 3;
						const error = new Event('error');
						this.onerror?.(error);
						this.dispatchEvent(error);
						const close = new CloseEvent('close', { code: 1006, wasClean: false });
						this.onclose?.(close);
						this.dispatchEvent(close);
					}, 20);
				}
				send() {
					throw new DOMException('WebSocket is not open', 'InvalidStateError');
				}
				close() {}
			}
			window.WebSocket = new Proxy(Real, {
				construct(target, args: [string, string?]) {
					return /\/socket\.io\//.test(String(args[0]))
						? new Refused(String(args[0]))
						: new target(...args);
				}
			});
		});
		const polls: string[] = [];
		page.on('requestfinished', (req) => {
			if (REALTIME.test(req.url()) && /transport=polling/.test(req.url())) polls.push(req.url());
		});

		await voteAndChat(page, roomId, title, word);
		// With a working WebSocket first there is no polling at all: these prove the fallback.
		expect(polls.length, 'long-polling requests').toBeGreaterThan(0);
	}
);

test(
	'a dropped connection shows a reconnecting banner, and the room catches up once back',
	{ tag: ['@rooms', '@phone'] },
	async ({ page, signedInUser, baseURL }, testInfo) => {
		void signedInUser;
		const word = uniqueWord();
		const title = `Dropped ${word}`;
		const away = `Meanwhile ${word}`;
		await publicTrack(page.request, testInfo, title, `Artist ${word}`, 660);
		const later = await publicTrack(page.request, testInfo, away, `Artist ${word}`, 770);
		const { roomId } = await createRoomWithInvite(page.request, `Dropped ${word}`);

		// Every realtime WebSocket goes through this route: passed on to the server while `up`,
		// cut (closed from the "network" side) when it is not.
		let up = true;
		const open = new Set<{ close: () => Promise<void> }>();
		await page.routeWebSocket(REALTIME, (ws) => {
			if (!up) return void ws.close();
			ws.connectToServer();
			open.add(ws);
		});
		// No long-polling fallback in this test: the banner must come from the dropped socket.
		await page.route(/\/socket\.io\/.*transport=polling/, (route) => route.abort());

		const room = await voteAndChat(page, roomId, title, word);
		const banner = page
			.getByRole('status')
			.filter({ hasText: 'Reconnecting… changes show up again' });
		await expect(banner).toHaveCount(0);

		up = false;
		for (const ws of open) await ws.close();
		open.clear();
		await expect(banner).toBeVisible();

		// A vote while offline is refused at once, with a toast saying why (not queued for later).
		await room.downvote(title).click();
		await expect(page.getByRole('alert').filter({ hasText: 'You are offline' })).toBeVisible();
		await expect(room.score(title)).toHaveText('1');

		// Meanwhile the room changes (the same host, from another device): the page cannot hear it.
		const remote = await RoomRemote.forPage(page, baseURL!, roomId);
		try {
			await remote.queue(later.id);
		} finally {
			remote.close();
		}
		await expect(room.item(away)).toHaveCount(0);

		up = true;
		await expect(banner).toHaveCount(0, { timeout: 30_000 });
		await expect(room.root).toHaveAttribute('data-room-status', 'ready');
		// Back: the room resynced, and shows what happened while it was away.
		await expect(room.item(away)).toBeVisible();
		// Back in business: a new message goes through and shows.
		const text = `back again ${word}`;
		await room.sendChat(text);
		await expect(room.chatMessages.filter({ hasText: text })).toHaveCount(1);
	}
);
