import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /albums/:id: the album's tracks in order, each row with its own play button. */
export class AlbumPage {
	readonly heading: Locator;
	readonly tracks: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { level: 1 });
		this.tracks = main.getByRole('region', { name: 'Tracks', exact: true });
	}

	async goto(id: string) {
		await this.page.goto(`/albums/${encodeURIComponent(id)}`);
		await waitForHydration(this.page);
	}

	playButton(title: string): Locator {
		return this.tracks.getByRole('button', { name: `Play ${title}`, exact: true });
	}
}
