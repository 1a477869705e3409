// Solo listening: playing a list queues the list; editing the tags of an upload without any.
import type { TestInfo } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { makeAudio, makeJpeg, type AudioOptions } from '../../tests/fixtures/audio.ts';
import { expect, test, uniqueWord } from '../fixtures.ts';

/** A real MP3 (ffmpeg) in this test's output directory. */
async function mp3(testInfo: TestInfo, opts: AudioOptions): Promise<string> {
	const dir = testInfo.outputPath('audio');
	await mkdir(dir, { recursive: true });
	return makeAudio(dir, 'mp3', opts);
}

// Uploads, processing and real playback take a while.
test.describe.configure({ timeout: 90_000 });

test.describe('solo listening', { tag: '@library' }, () => {
	test('playing a row of an album queues the album: Next and Previous walk it, the queue says where from', async ({
		page,
		libraryApi,
		albumPage,
		playerBar
	}, testInfo) => {
		const word = uniqueWord();
		const artist = `E2E Artist ${word}`;
		const album = `Album ${word}`;
		const titles = ['First', 'Second', 'Third'].map((t) => `${t} ${word}`);
		const tracks = [];
		for (const [i, title] of titles.entries()) {
			// Long enough that nothing ends by itself while the test clicks around.
			const file = await mp3(testInfo, {
				title,
				artist,
				album,
				trackNo: i + 1,
				seconds: 30,
				frequencyHz: 330 + i * 110
			});
			tracks.push(await libraryApi.upload(file));
		}
		const albumId = tracks[0]!.albumId!;
		expect(tracks.map((t) => t.albumId)).toEqual([albumId, albumId, albumId]);

		await albumPage.goto(albumId);
		await expect(albumPage.heading).toHaveText(album);
		await albumPage.playButton(titles[1]!).click();
		await expect(playerBar.trackLink(titles[1]!)).toBeVisible();
		await expect.poll(() => playerBar.positionSeconds(), { timeout: 10_000 }).toBeGreaterThan(0);

		await playerBar.queueButton.click();
		await expect(playerBar.queueSource).toHaveText(`Playing from album “${album}”`);
		await expect(playerBar.queueSource.getByRole('link')).toHaveAttribute(
			'href',
			`/albums/${albumId}`
		);
		expect(await playerBar.upcomingTitles()).toEqual([titles[2]]);

		// Next plays the album's next track, for real (its audio moves on).
		await playerBar.nextButton.click();
		await expect(playerBar.trackLink(titles[2]!)).toBeVisible();
		await expect(playerBar.pauseButton).toBeVisible();
		await expect.poll(() => playerBar.positionSeconds(), { timeout: 10_000 }).toBeGreaterThan(0);
		expect(await playerBar.upcomingTitles()).toEqual([]);
		// The end of the album: nothing after it (loop is off).
		await expect(playerBar.nextButton).toBeDisabled();

		// Previous goes back through the album, to the track before the one clicked too.
		await playerBar.previousButton.click();
		await expect(playerBar.trackLink(titles[1]!)).toBeVisible();
		await playerBar.previousButton.click();
		await expect(playerBar.trackLink(titles[0]!)).toBeVisible();
		await expect(playerBar.pauseButton).toBeVisible();
		expect(await playerBar.upcomingTitles()).toEqual([titles[1], titles[2]]);

		// Keyboard: Shift+→ is Next.
		await page.keyboard.press('Escape');
		await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
		await page.keyboard.press('Shift+ArrowRight');
		await expect(playerBar.trackLink(titles[1]!)).toBeVisible();

		// Where it came from survives a reload (the queue is restored, paused).
		await page.reload();
		await playerBar.queueButton.click();
		await expect(playerBar.queueSource).toHaveText(`Playing from album “${album}”`);
		expect(await playerBar.upcomingTitles()).toEqual([titles[2]]);
	});
});

test.describe('tags of an upload without any', { tag: '@library' }, () => {
	test('upload a tag-less file, follow the prompt, fill in its tags and cover; the library shows them', async ({
		page,
		signedInUser,
		uploadPage,
		trackPage,
		libraryPage
	}, testInfo) => {
		void signedInUser;
		const word = uniqueWord();
		const dir = testInfo.outputPath('audio');
		await mkdir(dir, { recursive: true });
		const file = await makeAudio(dir, 'mp3', { noTags: true, seconds: 4, name: `take_${word}` });
		const fileTitle = `take ${word}`;

		await uploadPage.goto();
		await uploadPage.choose([file]);
		const item = uploadPage.item(`take_${word}.mp3`);
		await expect(uploadPage.result(`take_${word}.mp3`)).toContainText('Uploaded');
		await expect(item.getByTestId('tags-prompt')).toContainText('No tags found in this file');
		await item.getByRole('link', { name: `Add details for ${fileTitle}`, exact: true }).click();

		await expect(page).toHaveURL(/\/tracks\/[^/]+#edit$/);
		await expect(trackPage.heading).toHaveText(fileTitle);
		const id = new URL(page.url()).pathname.split('/').pop()!;
		// The track page asks too, and its button goes straight to the artist field.
		const prompt = trackPage.main.getByRole('region', { name: 'Missing details' });
		await expect(prompt).toContainText('This file came without tags');
		await prompt.getByRole('button', { name: 'Add details', exact: true }).click();
		const edit = trackPage.editForm;
		await expect(edit.artist).toBeFocused();
		await expect(edit.artist).toHaveValue('Unknown artist');

		const title = `Evening ${word}`;
		const artist = `E2E Artist ${word}`;
		const album = `Sessions ${word}`;
		await edit.title.fill(`  ${title}  `);
		await page.keyboard.press('Tab'); // the artist is selected text, typed over from the keyboard
		await expect(edit.artist).toBeFocused();
		await page.keyboard.type(artist);
		await edit.album.fill(album);
		await edit.genre.fill('Ambient');
		await edit.save.click();
		await expect(edit.saved).toBeVisible();
		await expect(trackPage.heading).toHaveText(title);
		await expect(trackPage.main.getByRole('link', { name: artist, exact: true })).toBeVisible();
		await expect(trackPage.main.getByRole('link', { name: album, exact: true })).toBeVisible();
		await expect(prompt).toHaveCount(0);

		// A value the server refuses comes back as a message, with what was typed kept.
		await edit.title.fill(`Bell\u0007${word}`);
		await edit.save.click();
		await expect(edit.error).toHaveText('Title must not contain control characters');
		await expect(trackPage.heading).toHaveText(title);

		// A cover for the blank one.
		const cover = await makeJpeg(dir, 300, 300);
		const before = await trackPage.cover.getAttribute('src');
		expect(before).toContain('v=placeholder');
		await edit.coverInput.setInputFiles(cover);
		await expect
			.poll(() => trackPage.cover.getAttribute('src'), { timeout: 15_000 })
			.not.toContain('v=placeholder');

		await libraryPage.goto();
		const row = libraryPage.uploadRow(title);
		await expect(row).toBeVisible();
		await expect(row.getByRole('link', { name: artist, exact: true })).toBeVisible();
		await expect(row).toContainText(album);
		await expect(row.getByRole('link', { name: 'Add missing details' })).toHaveCount(0);
		await expect(libraryPage.uploadRow(fileTitle)).toHaveCount(0);
		await expect(row.getByRole('link', { name: `Edit ${title}` })).toHaveAttribute(
			'href',
			`/tracks/${id}#edit`
		);
	});
});
