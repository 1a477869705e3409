import { mkdir } from 'node:fs/promises';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { expect, test, uniqueWord } from '../fixtures.ts';

// App-wide toasts (issue 17): what went wrong (role=alert) and what just happened (role=status),
// announced by the layout's live regions whatever page shows them.

test(
	'a like that cannot reach the server rolls back and says so; queueing says what it did',
	{ tag: ['@library'] },
	async ({ page, libraryApi, trackPage }, testInfo) => {
		const word = uniqueWord();
		const dir = testInfo.outputPath('audio');
		await mkdir(dir, { recursive: true });
		const [first, second] = [
			await libraryApi.upload(
				await makeAudio(dir, 'mp3', { title: `First ${word}`, artist: 'Toast', seconds: 20 })
			),
			await libraryApi.upload(
				await makeAudio(dir, 'mp3', { title: `Second ${word}`, artist: 'Toast', seconds: 20 })
			)
		];
		const toaster = page.getByTestId('toaster');

		await trackPage.goto(first.id);
		await page.route(/\/api\/v1\/tracks\/[^/]+\/like$/, (route) => route.abort());
		const like = trackPage.like(first.title);
		await like.click();
		await expect(toaster.getByRole('alert')).toContainText('Could not reach the server');
		await expect(like).toHaveAttribute('aria-pressed', 'false');
		// Dismissed by hand (or after a few seconds on its own).
		await toaster.getByRole('button', { name: 'Dismiss' }).click();
		await expect(toaster.getByTestId('toast')).toHaveCount(0);

		await page
			.getByRole('main')
			.getByRole('button', { name: `Play ${first.title}` })
			.click();
		await trackPage.goto(second.id);
		await page.getByRole('main').getByRole('button', { name: 'Add to queue', exact: true }).click();
		await expect(toaster.getByRole('status')).toContainText(`Added “${second.title}” to the queue`);
	}
);
