import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

export type LibraryTab = 'uploads' | 'liked' | 'playlists';

/** /library with its three tabs: My uploads, Liked songs, Playlists. */
export class LibraryPage {
	readonly heading: Locator;
	readonly tabs: Locator;
	readonly uploads: Locator;
	readonly liked: Locator;
	readonly playlists: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { name: 'Your library', level: 1 });
		this.tabs = main.getByRole('navigation', { name: 'Library sections' });
		this.uploads = main.getByRole('region', { name: 'My uploads', exact: true });
		this.liked = main.getByRole('region', { name: 'Liked songs', exact: true });
		this.playlists = main.getByRole('region', { name: 'Playlists', exact: true });
	}

	async goto(tab?: LibraryTab) {
		await this.page.goto(tab ? `/library?tab=${tab}` : '/library');
		await waitForHydration(this.page);
	}

	/** A tab link: "My uploads", "Liked songs" or "Playlists" (aria-current="page" when shown). */
	tab(label: 'My uploads' | 'Liked songs' | 'Playlists'): Locator {
		return this.tabs.getByRole('link', { name: label, exact: true });
	}

	/** One row of My uploads, found by its title link. */
	uploadRow(title: string): Locator {
		return this.uploads
			.getByRole('listitem')
			.filter({ has: this.page.getByRole('link', { name: title, exact: true }) });
	}

	likedTrack(title: string): Locator {
		return this.liked.getByRole('link', { name: title, exact: true });
	}

	playlistLink(name: string): Locator {
		return this.playlists.getByRole('link', { name, exact: true });
	}
}
