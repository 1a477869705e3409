import type { Response } from '@playwright/test';
import { expect, publicTrack, test, uniqueWord } from '../fixtures.ts';
import { waitForHydration } from '../pages/hydration.ts';

// The installable app (issue 17): the service worker takes the page over and serves the app
// shell, and never the API or audio, which must stay live and private.

/** Every cached URL path, across the worker's caches. */
function cachedPaths() {
	return caches.keys().then(async (names) => {
		const paths: string[] = [];
		for (const name of names) {
			for (const req of await (await caches.open(name)).keys())
				paths.push(new URL(req.url).pathname);
		}
		return paths;
	});
}

test(
	'the service worker controls the page, serves the shell, and leaves /api/ and audio to the network',
	{ tag: ['@pwa', '@phone'] },
	async ({ page, signedInUser }, testInfo) => {
		void signedInUser;
		const track = await publicTrack(page.request, testInfo, `Shell ${uniqueWord()}`, 'SW', 330);
		await page.goto('/');
		await waitForHydration(page);
		// Registered by SvelteKit; clients.claim() in `activate` makes it control this page.
		await page.evaluate(() => navigator.serviceWorker.ready);
		await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

		// Reloaded under the worker: the shell comes from it, the API does not.
		const seen: Response[] = [];
		page.on('response', (r) => seen.push(r));
		await page.reload();
		await waitForHydration(page);
		const shell = seen.filter((r) => new URL(r.url()).pathname.startsWith('/_app/immutable/'));
		expect(shell.length).toBeGreaterThan(0);
		expect(shell.every((r) => r.fromServiceWorker())).toBe(true);

		// The API and audio, plain and as the range requests <audio> makes.
		const stream = `/api/v1/tracks/${track.id}/stream`;
		const probes: [string, Record<string, string>][] = [
			['/api/v1/me', {}],
			[stream, {}],
			[stream, { range: 'bytes=0-1023' }]
		];
		for (const [path, headers] of probes) {
			const [res] = await Promise.all([
				page.waitForResponse((r) => new URL(r.url()).pathname === path),
				page.evaluate(([p, h]) => fetch(p, { headers: h }).then((r) => r.status), [
					path,
					headers
				] as const)
			]);
			expect(res.status(), path).toBeLessThan(300);
			expect(res.fromServiceWorker(), `${path} ${JSON.stringify(headers)}`).toBe(false);
		}
		const paths = await page.evaluate(cachedPaths);
		expect(paths.some((p) => p.startsWith('/_app/immutable/'))).toBe(true);
		expect(paths).toContain('/manifest.webmanifest');
		expect(paths.filter((p) => p.startsWith('/api/') || p.startsWith('/socket.io'))).toEqual([]);
		// Pages are not shell: a cached page would show someone else's state after signing out.
		expect(paths).not.toContain('/');
	}
);

test(
	'"Install app" shows only while the browser offers installing, and opens its prompt',
	{ tag: ['@pwa'] },
	async ({ page }) => {
		await page.goto('/login');
		await waitForHydration(page);
		const install = page.getByRole('banner').getByRole('button', { name: 'Install app' });
		await expect(install).toHaveCount(0);
		// What Chromium fires once the app is installable (headless never decides that itself).
		await page.evaluate(() => {
			const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
				prompt: async () => void ((window as unknown as { prompted: number }).prompted = 1),
				userChoice: Promise.resolve({ outcome: 'accepted' })
			});
			window.dispatchEvent(offer);
		});
		await install.click();
		expect(await page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(
			1
		);
		// A prompt can be used once: the button goes.
		await expect(install).toHaveCount(0);
	}
);
