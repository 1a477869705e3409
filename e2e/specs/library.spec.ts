import type { Page, TestInfo } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { makeAudio, type AudioOptions } from '../../tests/fixtures/audio.ts';
import { expect, test, uniqueWord } from '../fixtures.ts';

/** A real MP3 (ffmpeg) in this test's output directory. */
async function mp3(testInfo: TestInfo, opts: AudioOptions): Promise<string> {
	const dir = testInfo.outputPath('audio');
	await mkdir(dir, { recursive: true });
	return makeAudio(dir, 'mp3', opts);
}

/** Keyboard shortcuts are meant for the page, not for whatever control was clicked last. */
async function focusBody(page: Page) {
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Uploads, processing and real playback take a while.
test.describe.configure({ timeout: 60_000 });

test.describe('library', { tag: '@library' }, () => {
	test(
		'uploads two files with visible progress; they appear in My uploads and in search',
		{ tag: '@smoke' },
		async ({ signedInUser, uploadPage, libraryPage, searchPage }, testInfo) => {
			void signedInUser;
			const word = uniqueWord();
			const artist = `E2E Artist ${word}`;
			const songs = [
				{ title: `Aurora ${word}`, file: '' },
				{ title: `Borealis ${word}`, file: '' }
			];
			for (const [i, song] of songs.entries()) {
				song.file = await mp3(testInfo, {
					title: song.title,
					artist,
					seconds: 6,
					frequencyHz: 440 + i * 220,
					name: `${song.title.split(' ')[0]!.toLowerCase()}-${word}`
				});
			}

			await uploadPage.goto();
			await uploadPage.choose(songs.map((s) => s.file));

			for (const { title, file } of songs) {
				const name = basename(file);
				await expect(uploadPage.progress(name)).toBeVisible();
				await expect(uploadPage.result(name)).toContainText('Uploaded');
				await expect(uploadPage.progress(name)).toHaveAttribute('aria-valuenow', '100');
				await expect(
					uploadPage.item(name).getByRole('link', { name: `${title} — ${artist}`, exact: true })
				).toBeVisible();
			}
			await expect(uploadPage.summary).toHaveText(/^\s*2 uploaded\s*$/);

			await libraryPage.goto();
			await expect(libraryPage.tab('My uploads')).toHaveAttribute('aria-current', 'page');
			for (const { title } of songs) {
				const row = libraryPage.uploadRow(title);
				await expect(row).toBeVisible();
				// The page refreshes itself while the upload worker is busy.
				await expect(row).toContainText('Ready', { timeout: 30_000 });
				// Uploads start private: only their owner finds them.
				await expect(row.getByRole('combobox', { name: `Visibility of ${title}` })).toHaveValue(
					'private'
				);
			}

			await searchPage.goto(word);
			await expect(searchPage.heading).toHaveText(`Results for “${word}”`);
			for (const { title } of songs) await expect(searchPage.track(title)).toBeVisible();
			await expect(searchPage.songs.getByRole('button', { name: /^Like / })).toHaveCount(2);
		}
	);

	test('finds a track through typos typed into the search box', async ({
		libraryApi,
		libraryPage,
		searchPage
	}, testInfo) => {
		const word = uniqueWord();
		const title = `Northern Lights ${word}`;
		await libraryApi.upload(await mp3(testInfo, { title, artist: 'Aurora', seconds: 2 }));
		// One typo in each word: a letter missing, two swapped, one wrong.
		const wrong = word[4] === 'x' ? 'y' : 'x';
		const q = `Nortern Ligths ${word.slice(0, 4)}${wrong}${word.slice(5)}`;

		await libraryPage.goto();
		await searchPage.searchFromHeader(q);
		await expect(searchPage.heading).toHaveText(`Results for “${q}”`);
		await expect(searchPage.track(title)).toBeVisible();
		await expect(searchPage.songs.getByRole('link', { name: /^Northern Lights / })).toHaveCount(1);
	});

	test('plays a track: the player bar follows it, the play is counted, Media Session shows it', async ({
		page,
		libraryApi,
		trackPage,
		playerBar
	}, testInfo) => {
		const word = uniqueWord();
		const title = `Cascade ${word}`;
		const artist = `E2E Artist ${word}`;
		// 6 s: a play counts after min(50 %, 30 s) = 3 s of listening.
		const track = await libraryApi.upload(await mp3(testInfo, { title, artist, seconds: 6 }));
		expect(track.playCount).toBe(0);

		await trackPage.goto(track.id);
		await expect(trackPage.heading).toHaveText(title);
		await expect(trackPage.playCount).toHaveText('0 plays');
		await expect(playerBar.region).toHaveCount(0);

		await trackPage.playButton(title).click();
		await expect(playerBar.trackLink(title)).toBeVisible();
		await expect(playerBar.region.getByRole('link', { name: artist, exact: true })).toBeVisible();
		await expect(playerBar.pauseButton).toBeVisible();
		await expect(trackPage.pauseButton(title)).toBeVisible();
		// The audio really plays: its position moves on.
		await expect.poll(() => playerBar.positionSeconds(), { timeout: 10_000 }).toBeGreaterThan(0);
		const early = await playerBar.positionSeconds();
		await expect
			.poll(() => playerBar.positionSeconds(), { timeout: 10_000 })
			.toBeGreaterThan(early);

		const metadata = await page.evaluate(() => {
			const m = navigator.mediaSession.metadata;
			return (
				m && {
					title: m.title,
					artist: m.artist,
					artwork: m.artwork.length,
					sources: m.artwork.map((a) => a.src)
				}
			);
		});
		expect(metadata).toMatchObject({ title, artist, artwork: 3 });
		for (const src of metadata!.sources) expect(src).toContain(`/api/v1/tracks/${track.id}/cover?`);
		expect(await page.evaluate(() => navigator.mediaSession.playbackState)).toBe('playing');

		// Played to the end (past the 3 s threshold): one counted play.
		await expect(playerBar.playButton).toBeVisible({ timeout: 15_000 });
		await expect
			.poll(async () => (await libraryApi.track(track.id)).playCount, { timeout: 15_000 })
			.toBe(1);
		await page.reload();
		await expect(trackPage.playCount).toHaveText('1 play');
	});

	test('likes a track; it appears in Liked songs', async ({
		page,
		libraryApi,
		trackPage,
		libraryPage,
		playerBar
	}, testInfo) => {
		const word = uniqueWord();
		const title = `Drizzle ${word}`;
		const other = `Ember ${word}`;
		const artist = `E2E Artist ${word}`;
		const track = await libraryApi.upload(await mp3(testInfo, { title, artist }));
		await libraryApi.upload(await mp3(testInfo, { title: other, artist, frequencyHz: 660 }));

		await libraryPage.goto('liked');
		await expect(libraryPage.tab('Liked songs')).toHaveAttribute('aria-current', 'page');
		await expect(libraryPage.liked.getByText('Songs you like appear here')).toBeVisible();

		await trackPage.goto(track.id);
		await expect(trackPage.like(title)).toHaveAttribute('aria-pressed', 'false');
		await trackPage.like(title).click();
		await expect(trackPage.like(title)).toHaveAttribute('aria-pressed', 'true');
		await expect.poll(async () => (await libraryApi.track(track.id)).likedByMe).toBe(true);
		await page.reload();
		await expect(trackPage.like(title)).toHaveAttribute('aria-pressed', 'true');

		await libraryPage.goto('liked');
		await expect(libraryPage.likedTrack(title)).toBeVisible();
		await expect(libraryPage.likedTrack(other)).toHaveCount(0);
		// The row's own like button agrees, and so does the player bar once the song plays.
		const like = libraryPage.liked.getByRole('button', { name: `Like ${title}`, exact: true });
		await expect(like).toHaveAttribute('aria-pressed', 'true');
		await libraryPage.liked.getByRole('button', { name: `Play ${title}`, exact: true }).click();
		await expect(playerBar.likeButton(title)).toHaveAttribute('aria-pressed', 'true');
	});

	test('adds two tracks to a new playlist from their pages and reorders it', async ({
		page,
		libraryApi,
		trackPage,
		libraryPage,
		playlistPage
	}, testInfo) => {
		const word = uniqueWord();
		const artist = `E2E Artist ${word}`;
		const first = await libraryApi.upload(await mp3(testInfo, { title: `Fjord ${word}`, artist }));
		const second = await libraryApi.upload(
			await mp3(testInfo, { title: `Glacier ${word}`, artist, frequencyHz: 550 })
		);
		const name = `Road trip ${word}`;

		await trackPage.goto(first.id);
		await trackPage.createPlaylistWithThisTrack(name);
		await expect(trackPage.added(name)).toBeVisible();

		await trackPage.goto(second.id);
		await trackPage.addToExistingPlaylist(name);
		await expect(trackPage.added(name)).toBeVisible();

		await libraryPage.goto('playlists');
		await expect(
			libraryPage.playlists.getByRole('listitem').filter({ hasText: name })
		).toContainText('2 songs');
		await libraryPage.playlistLink(name).click();
		await expect(page).toHaveURL(/\/playlists\/[^/?#]+$/);
		const id = new URL(page.url()).pathname.split('/').pop()!;
		await expect(playlistPage.heading).toHaveText(name);

		const inOrder = (...tracks: { title: string }[]) =>
			tracks.map((t) => new RegExp(escape(t.title)));
		const savedTitles = async () => (await libraryApi.playlist(id)).items.map((i) => i.track.title);
		await expect(playlistPage.rows).toHaveText(inOrder(first, second));
		await expect(playlistPage.moveUp(first.title)).toBeDisabled();
		await expect(playlistPage.moveDown(second.title)).toBeDisabled();

		await playlistPage.moveUp(second.title).click();
		await expect(playlistPage.rows).toHaveText(inOrder(second, first));
		await expect(playlistPage.announcement).toHaveText(`Moved ${second.title} to position 1 of 2`);
		await expect.poll(savedTitles).toEqual([second.title, first.title]);
		await page.reload();
		await expect(playlistPage.rows).toHaveText(inOrder(second, first));

		// And back down with the other button, from the keyboard.
		await playlistPage.moveDown(second.title).focus();
		await page.keyboard.press('Enter');
		await expect(playlistPage.rows).toHaveText(inOrder(first, second));
		await expect.poll(savedTitles).toEqual([first.title, second.title]);
		await page.reload();
		await expect(playlistPage.rows).toHaveText(inOrder(first, second));
	});

	test('keyboard shortcuts: Space plays/pauses, → seeks, M mutes, typing in search is left alone', async ({
		page,
		libraryApi,
		trackPage,
		playerBar,
		searchPage
	}, testInfo) => {
		const word = uniqueWord();
		const title = `Horizon ${word}`;
		// Long enough that nothing ends while the test seeks around.
		const track = await libraryApi.upload(
			await mp3(testInfo, { title, artist: `E2E Artist ${word}`, seconds: 40 })
		);

		await trackPage.goto(track.id);
		await trackPage.playButton(title).click();
		await expect(playerBar.pauseButton).toBeVisible();
		await expect.poll(() => playerBar.positionSeconds(), { timeout: 10_000 }).toBeGreaterThan(0);

		await focusBody(page);
		await page.keyboard.press('Space');
		await expect(playerBar.playButton).toBeVisible();
		const paused = await playerBar.positionSeconds();

		await page.keyboard.press('ArrowRight');
		await expect(playerBar.seek).toHaveAttribute('aria-valuenow', String(paused + 5));

		await page.keyboard.press('Space');
		await expect(playerBar.pauseButton).toBeVisible();
		// Playback goes on from the new position (the audio itself was moved, not just the bar).
		await expect
			.poll(() => playerBar.positionSeconds(), { timeout: 10_000 })
			.toBeGreaterThan(paused + 5);

		await expect(playerBar.muteButton).toBeVisible();
		await page.keyboard.press('m');
		await expect(playerBar.unmuteButton).toBeVisible();
		await expect(playerBar.volume).toHaveAttribute('aria-valuetext', /muted/);
		await page.keyboard.press('M');
		await expect(playerBar.muteButton).toBeVisible();
		await expect(playerBar.volume).not.toHaveAttribute('aria-valuetext', /muted/);

		// Spaces typed into the search box are text, not play/pause.
		await searchPage.headerBox.click();
		await page.keyboard.type('lo fi');
		await expect(searchPage.headerBox).toHaveValue('lo fi');
		await expect(playerBar.pauseButton).toBeVisible();
		const typing = await playerBar.positionSeconds();
		await expect
			.poll(() => playerBar.positionSeconds(), { timeout: 10_000 })
			.toBeGreaterThan(typing);

		await page.keyboard.press('Escape');
		await focusBody(page);
		await page.keyboard.press('Space');
		await expect(playerBar.playButton).toBeVisible();
	});

	test('signed out, /library sends the visitor through sign-in and back', async ({
		page,
		apiUser,
		loginPage,
		libraryPage
	}) => {
		await page.goto('/library');
		await expect(page).toHaveURL('/login?redirectTo=%2Flibrary');
		await expect(loginPage.heading).toBeVisible();

		await loginPage.signIn(apiUser);
		await expect(page).toHaveURL('/library');
		await expect(libraryPage.heading).toBeVisible();
		await expect(libraryPage.tab('My uploads')).toHaveAttribute('aria-current', 'page');
		await expect(libraryPage.uploads.getByText('You have not uploaded anything yet')).toBeVisible();
	});
});
