import type { Locator, Page } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /rooms: my rooms and the "Create a room" form. */
export class RoomsPage {
	readonly name: Locator;
	readonly description: Locator;
	readonly create: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.name = main.getByRole('textbox', { name: 'Room name', exact: true });
		this.description = main.getByRole('textbox', { name: 'Description', exact: true });
		this.create = main.getByRole('button', { name: 'Create room', exact: true });
	}

	async goto() {
		await this.page.goto('/rooms');
		await waitForHydration(this.page);
	}

	/** Creates a room through the form; resolves with its id once its page has opened. */
	async createRoom(name: string, description = ''): Promise<string> {
		await this.name.fill(name);
		if (description) await this.description.fill(description);
		await this.create.click();
		await this.page.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
		return new URL(this.page.url()).pathname.split('/').pop()!;
	}
}
