import { expect, type Locator, type Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /rooms/:id, the live room: now playing, voting queue, members, chat, invites. */
export class RoomPage {
	readonly root: Locator;
	readonly heading: Locator;
	readonly inviteButton: Locator;
	readonly inviteDialog: Locator;
	readonly members: Locator;
	readonly queue: Locator;
	readonly queueItems: Locator;
	readonly addSearch: Locator;
	readonly chatInput: Locator;
	readonly chatMessages: Locator;
	readonly leaveButton: Locator;
	readonly settingsButton: Locator;
	readonly settingsDialog: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.root = page.getByTestId('room');
		this.heading = main.getByRole('heading', { level: 1 });
		this.inviteButton = main.getByRole('button', { name: 'Invite', exact: true });
		this.inviteDialog = page.getByRole('dialog', { name: 'Invite people' });
		this.members = main.getByRole('list', { name: 'Members', exact: true });
		this.queue = main.getByRole('list', { name: 'Room queue', exact: true });
		this.queueItems = this.queue.getByTestId('queue-item');
		this.addSearch = main.getByRole('searchbox', { name: 'Search tracks to add', exact: true });
		this.chatInput = main.getByRole('textbox', { name: 'Message', exact: true });
		this.chatMessages = main.getByTestId('chat-message');
		this.leaveButton = main.getByRole('button', { name: 'Leave room', exact: true });
		this.settingsButton = main.getByRole('button', { name: 'Settings', exact: true });
		this.settingsDialog = page.getByRole('dialog', { name: 'Room settings' });
	}

	async goto(id: string) {
		await this.page.goto(`/rooms/${encodeURIComponent(id)}`);
		await this.ready();
	}

	/** Hydrated and joined over the realtime socket (the snapshot is shown). */
	async ready() {
		await waitForHydration(this.page);
		await expect(this.root).toHaveAttribute('data-room-status', 'ready', { timeout: 15_000 });
	}

	/** Creates an invite link in the Invite dialog and returns its URL. */
	async createInvite(): Promise<string> {
		await this.inviteButton.click();
		await expect(this.inviteDialog).toBeVisible();
		await this.inviteDialog.getByRole('button', { name: 'Create link', exact: true }).click();
		const url = this.inviteDialog.getByRole('textbox', { name: 'Invite link', exact: true });
		await expect(url).toHaveValue(/\/invite\/[A-Za-z0-9_-]+$/);
		await expect(
			this.inviteDialog.getByRole('img', { name: 'QR code of the invite link' })
		).toBeVisible();
		const value = await url.inputValue();
		await this.inviteDialog.getByRole('button', { name: 'Close', exact: true }).click();
		return value;
	}

	/** As the host: lets guests search the library for tracks to add (Settings dialog). */
	async allowGuestsToAddFromLibrary() {
		await this.settingsButton.click();
		await expect(this.settingsDialog).toBeVisible();
		await this.settingsDialog
			.getByRole('checkbox', { name: /Guests may add from the library/ })
			.check();
		await this.settingsDialog.getByRole('button', { name: 'Save settings', exact: true }).click();
		await expect(this.settingsDialog.getByRole('status')).toHaveText('Saved.');
		await this.settingsDialog.getByRole('button', { name: 'Close', exact: true }).click();
	}

	member(displayName: string): Locator {
		return this.members.getByTestId('member').filter({ hasText: displayName });
	}

	item(title: string): Locator {
		return this.queue.getByRole('listitem', { name: title, exact: true });
	}

	score(title: string): Locator {
		return this.item(title).getByTestId('queue-score');
	}

	upvote(title: string): Locator {
		return this.queue.getByRole('button', { name: `Upvote ${title}`, exact: true });
	}

	downvote(title: string): Locator {
		return this.queue.getByRole('button', { name: `Downvote ${title}`, exact: true });
	}

	/** Titles in queue order. */
	queueTitles(): Promise<(string | null)[]> {
		return this.queueItems.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
	}

	/** Searches the library from the room and adds the track with this title. */
	async addTrack(search: string, title: string) {
		await this.addSearch.fill(search);
		await this.page.getByRole('button', { name: `Add ${title} to queue`, exact: true }).click();
		await expect(this.item(title)).toBeVisible();
	}

	async sendChat(text: string) {
		await this.chatInput.fill(text);
		await this.chatInput.press('Enter');
	}
}
