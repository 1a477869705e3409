import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /tracks/:id: play, like, add to a playlist. */
export class TrackPage {
	readonly main: Locator;
	readonly heading: Locator;
	/** "0 plays", "1 play", "2 plays" */
	readonly playCount: Locator;
	/** A <summary> (no ARIA role of its own), so found by its aria-label. */
	readonly addToPlaylist: Locator;
	readonly newPlaylistName: Locator;
	readonly createAndAdd: Locator;
	/** The big cover image at the top. */
	readonly cover: Locator;
	/** The owner's "Edit track" form. */
	readonly editForm: {
		title: Locator;
		artist: Locator;
		album: Locator;
		genre: Locator;
		save: Locator;
		saved: Locator;
		error: Locator;
		coverInput: Locator;
	};

	constructor(readonly page: Page) {
		this.main = page.getByRole('main');
		this.heading = this.main.getByRole('heading', { level: 1 });
		this.playCount = this.main.getByTestId('play-count');
		this.addToPlaylist = this.main.getByLabel('Add to playlist', { exact: true });
		this.newPlaylistName = this.main.getByRole('textbox', { name: 'New playlist', exact: true });
		this.createAndAdd = this.main.getByRole('button', { name: 'Create and add', exact: true });
		this.cover = this.main.getByRole('img', { name: /^Cover of / });
		const edit = this.main.locator('#edit');
		this.editForm = {
			title: edit.getByRole('textbox', { name: 'Title', exact: true }),
			artist: edit.getByRole('textbox', { name: 'Artist', exact: true }),
			album: edit.getByRole('textbox', { name: 'Album', exact: true }),
			genre: edit.getByRole('combobox', { name: 'Genre', exact: true }),
			save: edit.getByRole('button', { name: 'Save changes', exact: true }),
			saved: edit.getByRole('status').filter({ hasText: 'Saved.' }),
			error: edit.getByRole('alert'),
			coverInput: edit.getByLabel('Change cover')
		};
	}

	async goto(id: string) {
		await this.page.goto(`/tracks/${encodeURIComponent(id)}`);
		await waitForHydration(this.page);
	}

	/** The track's own like button (aria-pressed tells the state). */
	like(title: string): Locator {
		return this.main.getByRole('button', { name: `Like ${title}`, exact: true });
	}

	playButton(title: string): Locator {
		return this.main.getByRole('button', { name: `Play ${title}`, exact: true });
	}

	pauseButton(title: string): Locator {
		return this.main.getByRole('button', { name: `Pause ${title}`, exact: true });
	}

	/** In the open "Add to playlist" menu: the button adding to an existing playlist. */
	playlistChoice(name: string): Locator {
		// Named "<name>" plus its song count ("1 song").
		return this.main.getByRole('button', { name });
	}

	/** "Added to <name>." once the track is in the playlist. */
	added(name: string): Locator {
		return this.main.getByRole('status').filter({ hasText: `Added to ${name}.` });
	}

	async createPlaylistWithThisTrack(name: string) {
		await this.addToPlaylist.click();
		await this.newPlaylistName.fill(name);
		await this.createAndAdd.click();
	}

	async addToExistingPlaylist(name: string) {
		await this.addToPlaylist.click();
		await this.playlistChoice(name).click();
	}
}
