import type { APIRequestContext, Locator, Page } from '@playwright/test';
import {
	expect,
	publicTrack,
	SAME_ORIGIN,
	test,
	uniqueWord,
	type Credentials
} from '../fixtures.ts';
import { waitForHydration } from '../pages/hydration.ts';
import { InvitePage } from '../pages/invite.page.ts';
import { RoomPage } from '../pages/room.page.ts';
import { createRoomWithInvite, RoomRemote } from '../pages/sync.ts';
import { REALTIME_URL } from '../target.ts';

// Guests on any phone (issue 17): the `phone` project (Pixel 7: touch, mobile viewport) runs this.
test.describe.configure({ timeout: 90_000 });

/** WCAG 2.5.5 / Apple and Material guidance: a finger needs about 44×44 CSS px. */
const MIN_TARGET_PX = 44;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function expectTouchTarget(target: Locator, what: string) {
	await expect(target, what).toBeVisible();
	const box = (await target.boundingBox())!;
	// Boxes snap to device pixels (2.625 per CSS px on a Pixel 7): 44 px can measure 43.9.
	const min = MIN_TARGET_PX - 0.5;
	expect(
		box.width >= min && box.height >= min,
		`${what}: ${box.width.toFixed(0)}×${box.height.toFixed(0)} px`
	).toBe(true);
}

/** Nothing wider than the screen (no sideways scrolling). */
async function expectNoHorizontalOverflow(page: Page, what: string) {
	const { scrollWidth, innerWidth } = await page.evaluate(() => ({
		scrollWidth: document.scrollingElement!.scrollWidth,
		innerWidth: window.innerWidth
	}));
	expect(
		scrollWidth,
		`${what}: page ${scrollWidth} px wide in a ${innerWidth} px window`
	).toBeLessThanOrEqual(innerWidth);
}

async function signIn(request: APIRequestContext, user: Credentials) {
	const res = await request.post('/api/v1/auth/login', {
		data: { email: user.email, password: user.password },
		headers: SAME_ORIGIN
	});
	expect(res.status(), await res.text()).toBe(200);
}

test(
	'a guest opens an invite link on a phone, joins, votes and chats, with finger-sized controls',
	{ tag: ['@phone', '@phone-only', '@rooms'] },
	async ({ page, request, apiUser, baseURL }, testInfo) => {
		// The host works from elsewhere (the API and the realtime protocol); the phone is the guest's.
		await signIn(request, apiUser);
		const word = uniqueWord();
		const first = `Pocket ${word}`;
		const second = `Thumb ${word}`;
		const tracks = [
			await publicTrack(request, testInfo, first, `Artist ${word}`, 440),
			await publicTrack(request, testInfo, second, `Artist ${word}`, 550)
		];
		const name = `Phone ${word}`;
		const { roomId, token } = await createRoomWithInvite(request, name);
		const { cookies } = await request.storageState();
		const remote = await RoomRemote.connect({
			realtimeUrl: REALTIME_URL,
			origin: new URL(baseURL!).origin,
			cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
			roomId
		});
		try {
			for (const t of tracks) await remote.queue(t.id);

			await page.setViewportSize(PHONE);
			const invite = new InvitePage(page);
			const res = await invite.open(`/invite/${token}`);
			expect(res?.status()).toBe(200);
			await expect(invite.heading).toHaveText(name);
			await expectNoHorizontalOverflow(page, 'invite page');
			await expectTouchTarget(invite.joinAsGuest, 'Join as guest');
			await invite.joinAsGuestNamed(`Guest ${word}`);

			const room = new RoomPage(page);
			await room.ready();
			await expect(room.heading).toHaveText(name);
			await expect(room.item(second)).toBeVisible();
			// A tap, not a click: the phone profile has touch and no mouse.
			await room.upvote(second).tap();
			await expect(room.upvote(second)).toHaveAttribute('aria-pressed', 'true');
			await expect(room.score(second)).toHaveText('1');
			const text = `hello from a phone ${word}`;
			await room.chatInput.fill(text);
			const send = page.getByRole('main').getByRole('button', { name: 'Send', exact: true });
			await send.tap();
			await expect(room.chatMessages.filter({ hasText: text })).toHaveCount(1);

			await expectNoHorizontalOverflow(page, 'room page');
			const main = page.getByRole('main');
			const controls: [Locator, string][] = [
				[room.upvote(second), 'upvote'],
				[room.downvote(second), 'downvote'],
				[send, 'chat send'],
				[room.chatInput, 'chat input'],
				// A guest's audio controls (play/pause/skip are the host's, and nothing plays yet).
				[main.getByRole('button', { name: 'Listening on this device' }), 'listen here'],
				[main.getByRole('button', { name: 'Mute' }), 'mute'],
				[main.getByRole('button', { name: /^Delete message from/ }), 'delete own message'],
				[main.getByRole('button', { name: /^React / }).first(), 'reaction'],
				[room.leaveButton, 'leave room'],
				[
					page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rooms' }),
					'Rooms tab'
				]
			];
			for (const [target, what] of controls) {
				await target.scrollIntoViewIfNeeded();
				await expectTouchTarget(target, what);
			}
		} finally {
			remote.close();
		}
	}
);

test(
	'main pages at phone and desktop sizes (screenshots kept as artifacts), none wider than a phone',
	{ tag: ['@phone', '@phone-only'] },
	async ({ page, signedInUser }, testInfo) => {
		void signedInUser;
		const { roomId } = await createRoomWithInvite(page.request, `Shots ${uniqueWord()}`);
		const pages: [string, string][] = [
			['home', '/'],
			['library', '/library'],
			['search', '/search?q=a'],
			['upload', '/upload'],
			['rooms', '/rooms'],
			['room', `/rooms/${roomId}`],
			['account', '/account']
		];
		for (const [size, viewport] of [
			['phone', PHONE],
			['desktop', DESKTOP]
		] as const) {
			await page.setViewportSize(viewport);
			for (const [label, path] of pages) {
				await page.goto(path);
				await waitForHydration(page);
				if (label === 'room') await new RoomPage(page).ready();
				await testInfo.attach(`${label}-${size}.png`, {
					body: await page.screenshot({ fullPage: true }),
					contentType: 'image/png'
				});
				if (size === 'phone') await expectNoHorizontalOverflow(page, label);
			}
		}
	}
);
