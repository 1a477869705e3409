import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /playlists/:id: the songs in order, with Move up/down buttons per song. */
export class PlaylistPage {
	readonly heading: Locator;
	readonly songs: Locator;
	/** One list item per song, in playlist order. */
	readonly rows: Locator;
	/** Screen-reader announcements such as "Moved X to position 1 of 2". */
	readonly announcement: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { level: 1 });
		this.songs = main.getByRole('region', { name: 'Songs', exact: true });
		this.rows = this.songs.getByRole('listitem');
		this.announcement = main.getByRole('status').filter({ hasText: /^Moved / });
	}

	async goto(id: string) {
		await this.page.goto(`/playlists/${encodeURIComponent(id)}`);
		await waitForHydration(this.page);
	}

	moveUp(title: string): Locator {
		return this.songs.getByRole('button', { name: `Move ${title} up`, exact: true });
	}

	moveDown(title: string): Locator {
		return this.songs.getByRole('button', { name: `Move ${title} down`, exact: true });
	}
}
