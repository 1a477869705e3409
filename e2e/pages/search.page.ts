import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /search results, and the search box in the header of every signed-in page. */
export class SearchPage {
	readonly heading: Locator;
	readonly songs: Locator;
	/** The header's search box with suggestions (a combobox). */
	readonly headerBox: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { level: 1 });
		this.songs = main.getByRole('region', { name: 'Songs', exact: true });
		this.headerBox = page
			.getByRole('banner')
			.getByRole('combobox', { name: 'Search', exact: true });
	}

	async goto(q: string) {
		await this.page.goto(`/search?${new URLSearchParams({ q })}`);
		await waitForHydration(this.page);
	}

	/** Types `q` into the header's search box and presses Enter, as people search. */
	async searchFromHeader(q: string) {
		await this.headerBox.fill(q);
		await this.headerBox.press('Enter');
		await this.page.waitForURL(
			(url) => url.pathname === '/search' && url.searchParams.get('q') === q
		);
	}

	track(title: string): Locator {
		return this.songs.getByRole('link', { name: title, exact: true });
	}
}
