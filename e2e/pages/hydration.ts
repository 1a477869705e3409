import type { Page } from '@playwright/test';

/**
 * Waits until the client app has hydrated the page (the root layout sets
 * `<html data-hydrated="true">` on mount). Forms work before that too (plain POST), but
 * assertions on live UI such as the connection status need the client running.
 */
export async function waitForHydration(page: Page): Promise<void> {
	await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 10_000 });
}
