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

	constructor(readonly page: Page) {
		this.region = page.getByRole('region', { name: 'Player', exact: true });
		this.playButton = this.region.getByRole('button', { name: 'Play', exact: true });
		this.pauseButton = this.region.getByRole('button', { name: 'Pause', exact: true });
		this.muteButton = this.region.getByRole('button', { name: 'Mute', exact: true });
		this.unmuteButton = this.region.getByRole('button', { name: 'Unmute', exact: true });
		this.volume = this.region.getByRole('slider', { name: 'Volume', exact: true });
		this.seek = this.region.getByRole('slider', { name: 'Seek', exact: true });
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
