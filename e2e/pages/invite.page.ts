import type { Locator, Page, Response } from '@playwright/test';
import { waitForHydration } from './hydration.ts';

/** /invite/:token: join a room as a guest (display name) or with the signed-in account. */
export class InvitePage {
	readonly heading: Locator;
	readonly displayName: Locator;
	readonly joinAsGuest: Locator;
	readonly joinRoom: Locator;
	/** The page every unusable link (unknown, expired, revoked, used up) shows. */
	readonly goneHeading: Locator;

	constructor(readonly page: Page) {
		const main = page.getByRole('main');
		this.heading = main.getByRole('heading', { level: 1 });
		this.displayName = main.getByRole('textbox', { name: 'Display name', exact: true });
		this.joinAsGuest = main.getByRole('button', { name: 'Join as guest', exact: true });
		this.joinRoom = main.getByRole('button', { name: 'Join room', exact: true });
		this.goneHeading = main.getByRole('heading', { name: 'Invite link not valid', exact: true });
	}

	/** Opens an invite URL (absolute, as shared) and returns the document response. */
	async open(url: string): Promise<Response | null> {
		const res = await this.page.goto(url);
		await waitForHydration(this.page);
		return res;
	}

	async joinAsGuestNamed(displayName: string) {
		await this.displayName.fill(displayName);
		await this.joinAsGuest.click();
		await this.page.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
	}
}
