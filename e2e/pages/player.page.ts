import type { Locator, Page } from '@playwright/test';

/** The player bar at the bottom of every signed-in page (a region named "Player"). */
export class PlayerBar {
	readonly region: Locator;
	/** The transport button while paused ("Play") and while playing ("Pause"). */
	readonly playButton: Locator;
	readonly pauseButton: Locator;
	readonly muteButton: Locator;
	readonly unmuteButton: Locator;
	readonly volume: Locator;
	/** The waveform seek bar: a slider whose aria-valuenow is the position in whole seconds. */
	readonly seek: Locator;
	readonly nextButton: Locator;
	readonly previousButton: Locator;
	readonly queueButton: Locator;
	/** The queue panel (opened with queueButton). */
	readonly queue: Locator;
	/** "Playing from album “X”" under the current track in the queue panel. */
	readonly queueSource: Locator;

	constructor(readonly page: Page) {
		this.region = page.getByRole('region', { name: 'Player', exact: true });
		this.playButton = this.region.getByRole('button', { name: 'Play', exact: true });
		this.pauseButton = this.region.getByRole('button', { name: 'Pause', exact: true });
		this.muteButton = this.region.getByRole('button', { name: 'Mute', exact: true });
		this.unmuteButton = this.region.getByRole('button', { name: 'Unmute', exact: true });
		this.volume = this.region.getByRole('slider', { name: 'Volume', exact: true });
		this.seek = this.region.getByRole('slider', { name: 'Seek', exact: true });
		this.nextButton = this.region.getByRole('button', { name: 'Next track', exact: true });
		this.previousButton = this.region.getByRole('button', { name: 'Previous track', exact: true });
		this.queueButton = this.region.getByRole('button', { name: 'Queue', exact: true });
		this.queue = page.getByRole('complementary', { name: 'Queue', exact: true });
		this.queueSource = this.queue.getByTestId('queue-source');
	}

	/** The titles listed under "Next up" / "Next from …" in the open queue panel, in order. */
	upcomingTitles(): Promise<string[]> {
		return this.queue
			.getByRole('list', { name: /^Next / })
			.getByRole('listitem')
			.evaluateAll((items) => items.map((li) => li.querySelector('a')?.textContent?.trim() ?? ''));
	}

	/** The link to the current track's page, named by its title. */
	trackLink(title: string): Locator {
		return this.region.getByRole('link', { name: title, exact: true });
	}

	likeButton(title: string): Locator {
		return this.region.getByRole('button', { name: `Like ${title}`, exact: true });
	}

	/** The playback position in whole seconds, as the seek bar announces it. */
	async positionSeconds(): Promise<number> {
		return Number(await this.seek.getAttribute('aria-valuenow'));
	}
}
