// The installable app on the built server: a valid web app manifest whose icons exist at the
// sizes it declares, linked from every page (the invite page a phone opens first included), and
// the service worker script.
import sharp from 'sharp';
import { describe, expect, inject, it } from 'vitest';
import { api } from './api-client.ts';
import { createInvite, createRoom, person } from './rooms-client.ts';

interface ManifestIcon {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
}

/** Binary answers (api() reads text). */
async function fetchBytes(path: string) {
	const res = await fetch(new URL(path, inject('webUrl')));
	return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('installable app', () => {
	it('serves a manifest with what browsers need to offer installing', async () => {
		const res = await api('/manifest.webmanifest');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
		const manifest = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
		expect(manifest).toMatchObject({
			name: 'Chorus',
			short_name: 'Chorus',
			start_url: '/',
			display: 'standalone',
			theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
			background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i)
		});
		const icons = manifest.icons as ManifestIcon[];
		const sizes = (purpose: string) =>
			icons.filter((i) => (i.purpose ?? 'any').split(' ').includes(purpose)).map((i) => i.sizes);
		// Chromium's installability: 192 and 512 px; Android's adaptive icons: a maskable one.
		expect(sizes('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
		expect(sizes('maskable').length).toBeGreaterThan(0);

		for (const icon of icons) {
			const { res: got, bytes } = await fetchBytes(icon.src);
			expect(got.status, icon.src).toBe(200);
			expect(got.headers.get('content-type'), icon.src).toBe(icon.type);
			const meta = await sharp(bytes).metadata();
			expect(`${meta.format}`, icon.src).toBe('png');
			expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
		}
		const touch = await fetchBytes('/apple-touch-icon.png');
		expect(touch.res.status).toBe(200);
		const meta = await sharp(touch.bytes).metadata();
		expect([meta.width, meta.height, meta.hasAlpha]).toEqual([180, 180, false]);
	});

	it('the invite page, the first page a phone sees, links the manifest and answers directly', async () => {
		const host = await person('Host');
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const res = await api<string>(`/invite/${invite.token}`, { headers: { accept: 'text/html' } });
		expect(res.status).toBe(200); // no redirect (to sign in or elsewhere) for a new visitor
		const html = String(res.body);
		expect(html).toMatch(/<link rel="manifest" href="[^"]*manifest\.webmanifest"/);
		expect(html).toMatch(/<link rel="apple-touch-icon" href="[^"]*apple-touch-icon\.png"/);
		expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}"/i);
		// The CSP lets the page load the manifest and register the worker from its own origin.
		const csp = res.headers.get('content-security-policy')!;
		expect(csp).toMatch(/manifest-src 'self'/);
		expect(csp).toMatch(/worker-src 'self'/);
	});

	it('serves the service worker script from the root scope', async () => {
		const res = await api<string>('/service-worker.js');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/javascript/);
		expect(String(res.body)).toContain('chorus-shell-');
	});
});
