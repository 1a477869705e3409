import type { Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { expect, test, uniqueWord } from '../fixtures.ts';
import { RoomPage } from '../pages/room.page.ts';
import {
	acceptInvite,
	apartMs,
	createRoomWithInvite,
	holdJoinAnswer,
	RoomPlayerProbe,
	RoomRemote,
	setVisibility
} from '../pages/sync.ts';

/** The e2e realtime service pauses unheard rooms after this long (serve.ts). */
const IDLE_PAUSE_MS = Number(process.env.E2E_ROOM_IDLE_PAUSE_SEC ?? 8) * 1000;
/** A host's seek must reach the guest this closely (both play on this machine). */
const SEEK_FOLLOW_MS = 50;

test.describe.configure({ timeout: 120_000 });

/** Polls until both pages play the same item past `atLeastMs`, within `withinMs` of each other. */
async function together(a: Page, b: Page, what: string, atLeastMs = 0) {
	const [pa, pb] = [new RoomPlayerProbe(a), new RoomPlayerProbe(b)];
	await expect
		.poll(
			async () => {
				const [sa, sb] = await Promise.all([pa.sample(), pb.sample()]);
				const apart = apartMs(sa, sb);
				return {
					past: Math.min(sa?.positionMs ?? -1, sb?.positionMs ?? -1) >= atLeastMs,
					together: apart !== null && apart <= SEEK_FOLLOW_MS,
					apartMs: apart
				};
			},
			{ message: what, timeout: 20_000, intervals: [100] }
		)
		.toMatchObject({ past: true, together: true });
}

test(
	'the host seeks with the slider and the guest follows; when the host leaves, the guest is told and the unheard room pauses',
	{ tag: ['@rooms', '@sync'] },
	async ({ browser, page, libraryApi, baseURL }, testInfo) => {
		const word = uniqueWord();
		const dir = testInfo.outputPath('audio');
		await mkdir(dir, { recursive: true });
		const file = await makeAudio(dir, 'mp3', {
			seconds: 40,
			frequencyHz: 520,
			title: `Lifecycle ${word}`,
			name: `lifecycle-${word}`
		});
		const track = await libraryApi.upload(file);

		const { roomId, token } = await createRoomWithInvite(page.request, `Party ${word}`);
		const remote = await RoomRemote.forPage(page, baseURL!, roomId);
		await remote.queue(track.id);
		remote.close();

		const guestContext = await browser.newContext({ baseURL });
		try {
			await acceptInvite(guestContext, token, `Guest ${word}`);
			const guestPage = await guestContext.newPage();
			const host = new RoomPage(page);
			const guest = new RoomPage(guestPage);
			await host.goto(roomId);
			await guest.goto(roomId);

			// The next track is on show before anything plays.
			await expect(host.page.getByTestId('up-next')).toContainText(`Lifecycle ${word}`);
			await host.page.getByRole('button', { name: 'Play', exact: true }).click();
			await together(page, guestPage, 'both play the track');
			// Drift figures wait behind "Sync details" (closed); its badge says how the room does.
			const sync = guestPage.getByTestId('sync-health');
			await expect(sync.getByTestId('my-drift')).toBeHidden();
			await expect(sync).toHaveAttribute('data-health', /^(good|fair)$/, { timeout: 10_000 });
			await expect(sync.locator('summary')).toContainText(/In sync|Slightly apart/);
			await sync.getByText('Sync details').click();
			await expect(sync.getByTestId('my-drift')).toHaveText(/ms$/);

			// The position bar is a slider for the host: a seek lands on both devices together.
			const slider = host.page.getByRole('slider', { name: 'Seek' });
			await slider.fill('20000');
			await together(page, guestPage, 'both are past 20 s after the seek', 20_000);
			// Guests may not steer: no slider, a plain progress bar.
			await expect(guestPage.getByRole('slider', { name: 'Seek' })).toHaveCount(0);

			// The guest follows on another device from now on: nobody hears the room here but the host.
			await guestPage.getByRole('button', { name: 'Listening on this device' }).click();
			await expect(guest.member(`Guest ${word}`)).not.toHaveAttribute('data-presence', 'listening');
			await expect(guestPage.getByTestId('playback-state')).toHaveText('Playing');

			await page.close();
			const status = guestPage.getByTestId('control-status');
			await expect(status).toContainText('The host left.');
			await expect(status).toContainText('Nobody here controls playback');
			// Nobody listens now: after the grace period the room pauses, position kept.
			await expect(guestPage.getByTestId('playback-state')).toHaveText('Paused', {
				timeout: IDLE_PAUSE_MS + 15_000
			});
			await expect(guestPage.getByTestId('position')).not.toHaveText('0:00');
		} finally {
			await guestContext.close();
		}
	}
);

test(
	'a presence change that overtakes a member’s join still reaches them',
	{ tag: ['@rooms', '@sync'] },
	async ({ browser, page, signedInUser, baseURL }) => {
		expect(signedInUser.displayName).toBeTruthy();
		const word = uniqueWord();
		const { roomId, token } = await createRoomWithInvite(page.request, `Presence ${word}`);
		const [annContext, bobContext] = [
			await browser.newContext({ baseURL }),
			await browser.newContext({ baseURL })
		];
		try {
			await acceptInvite(annContext, token, `Ann ${word}`);
			await acceptInvite(bobContext, token, `Bob ${word}`);
			const ann = new RoomPage(await annContext.newPage());
			await ann.goto(roomId);

			// Bob's snapshot is read and on its way when Ann's tab goes to the background.
			const bobPage = await bobContext.newPage();
			const join = await holdJoinAnswer(bobPage);
			await bobPage.goto(`/rooms/${roomId}`);
			await join.held;
			await setVisibility(ann.page, 'hidden');
			await join.passes(/"presence:updated".*"away"/);
			join.release();

			const bob = new RoomPage(bobPage);
			await bob.ready();
			// The snapshot said joined; the newer broadcast that came first must win.
			await expect(bob.member(`Ann ${word}`)).toHaveAttribute('data-presence', 'away');
		} finally {
			await Promise.all([annContext.close(), bobContext.close()]);
		}
	}
);
