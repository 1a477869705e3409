import { expect, test, type Page } from '@playwright/test';

/** Every request the page makes, and every CSP violation or script error it reports. */
function watch(page: Page) {
	const requests: string[] = [];
	const problems: string[] = [];
	page.on('request', (r) => requests.push(r.url()));
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) {
			problems.push(`console: ${m.text()}`);
		}
	});
	return { requests, problems };
}

test('the API reference renders the operations, from this origin only', async ({
	page,
	baseURL
}) => {
	const seen = watch(page);
	await page.goto('/api/docs');
	await expect(page.getByRole('heading', { name: 'Chorus API', level: 1 })).toBeVisible();
	// Operations from the generated document, grouped by tag, with their parameters.
	const sidebar = page.getByRole('complementary', { name: /Sidebar/ });
	await sidebar.getByRole('link', { name: 'tracks', exact: true }).click();
	await sidebar.getByRole('link', { name: /^The audio, with Range support/ }).click();
	const stream = page
		.getByRole('main')
		.getByRole('region', { name: /^The audio, with Range support/ });
	await expect(
		stream.getByRole('heading', { name: /The audio, with Range support/ })
	).toBeVisible();
	await expect(stream.getByText('getTracksByIdStream')).toBeVisible();
	await expect(stream.getByText(/^Range\b/).first()).toBeVisible();
	await expect(stream.getByRole('tab', { name: /Status: 206/ }).first()).toBeVisible();
	const origin = new URL(baseURL!).origin;
	const elsewhere = seen.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
	expect(elsewhere).toEqual([]);
	expect(seen.requests).toContain(`${origin}/api/v1/openapi.json`);
	expect(seen.problems).toEqual([]);
});

test('the realtime protocol reference lists commands and broadcasts', async ({ page }) => {
	const seen = watch(page);
	await page.goto('/api/docs/realtime');
	await expect(
		page.getByRole('heading', { name: 'Chorus realtime protocol', level: 1 })
	).toBeVisible();
	const events = page.getByRole('navigation', { name: 'Events' });
	await events.getByRole('link', { name: 'queue:add' }).click();
	await expect(page.getByRole('heading', { name: 'queue:add', level: 3 })).toBeInViewport();
	await expect(events.getByRole('link', { name: 'playback:state' })).toBeVisible();
	expect(seen.problems).toEqual([]);
});
