// Avatars: images only, bounded in bytes and pixels, re-encoded as a 256 px WebP; old objects go.
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api } from './api-client.ts';
import { registerAccount, type Account } from './account-client.ts';
import { filesUnder, testDb } from './tracks-client.ts';

const blobsDir = () => join(inject('dataDir'), 'blobs');
const avatarFiles = async (userId: string) =>
	(await filesUnder(blobsDir())).filter((f) => f.startsWith(`avatars/${userId}/`));

/** Left half red, right half blue, stored sideways: EXIF orientation 6 turns it upright. */
async function sidewaysJpeg(): Promise<Buffer> {
	const half = (r: number, b: number) => ({
		input: { create: { width: 200, height: 200, channels: 3 as const, background: { r, g: 0, b } } }
	});
	return sharp({ create: { width: 400, height: 200, channels: 3, background: '#000' } })
		.composite([
			{ ...half(255, 0), left: 0, top: 0 },
			{ ...half(0, 255), left: 200, top: 0 }
		])
		.jpeg()
		.withMetadata({ orientation: 6 })
		.toBuffer();
}

/** A tiny real PNG whose header claims 20000 x 20000 pixels (a decompression bomb's header). */
async function pixelBomb(): Promise<Buffer> {
	const png = await sharp({
		create: { width: 1, height: 1, channels: 3, background: '#fff' }
	})
		.png()
		.toBuffer();
	const out = Buffer.from(png);
	// IHDR data starts at byte 16 (8 signature + 4 length + 4 type): width, height (big endian).
	out.writeUInt32BE(20_000, 16);
	out.writeUInt32BE(20_000, 20);
	out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
	return out;
}

const upload = (
	a: Account,
	body: Buffer,
	type = 'image/jpeg',
	headers: Record<string, string> = {}
) =>
	a.call('/api/v1/me/avatar', {
		method: 'POST',
		body: new Uint8Array(body),
		headers: { 'content-type': type, ...headers }
	});

let alice: Account;
let bob: Account;
beforeAll(async () => {
	[alice, bob] = await Promise.all([registerAccount('Alice'), registerAccount('Bob')]);
});

describe('avatars', () => {
	it('stores an upright 256 px WebP, serves it versioned, and replaces the old object', async () => {
		const res = await upload(alice, await sidewaysJpeg());
		expect(res.status).toBe(200);
		const url = res.body.user.avatarUrl as string;
		expect(url).toMatch(new RegExp(`^/api/v1/users/${alice.id}/avatar\\?v=\\d+$`));
		expect((await alice.call('/api/v1/me')).body.user.avatarUrl).toBe(url);

		// Another signed-in user sees it.
		const got = await fetch(inject('webUrl') + url, { headers: { cookie: bob.cookie } });
		expect(got.status).toBe(200);
		expect(got.headers.get('content-type')).toBe('image/webp');
		expect(got.headers.get('cache-control')).toMatch(/max-age=31536000/);
		const image = Buffer.from(await got.arrayBuffer());
		const meta = await sharp(image).metadata();
		expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
		// Upright: the red half is now on top, the blue one below.
		const { data } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
		const px = (x: number, y: number) => [
			...data.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3)
		];
		expect(px(30, 30)[0]).toBeGreaterThan(200);
		expect(px(30, 226)[2]).toBeGreaterThan(200);

		const first = await avatarFiles(alice.id);
		expect(first).toHaveLength(1);
		// Multipart works too, and the previous object is deleted.
		const form = new FormData();
		form.append(
			'avatar',
			new Blob([new Uint8Array(await sidewaysJpeg())], { type: 'image/jpeg' }),
			'me.jpg'
		);
		const again = await alice.call('/api/v1/me/avatar', { method: 'POST', body: form });
		expect(again.status).toBe(200);
		expect(again.body.user.avatarUrl).not.toBe(url);
		const second = await avatarFiles(alice.id);
		expect(second).toHaveLength(1);
		expect(second[0]).not.toBe(first[0]);
		const row = await testDb().user.findUniqueOrThrow({ where: { id: alice.id } });
		expect(row.avatarKey).toBe(second[0]);
	});

	it('removes the avatar: 404 afterwards and the object is gone', async () => {
		const carol = await registerAccount('Carol');
		expect((await upload(carol, await sidewaysJpeg())).status).toBe(200);
		const del = await carol.call('/api/v1/me/avatar', { method: 'DELETE' });
		expect(del.status).toBe(200);
		expect(del.body.user.avatarUrl).toBeNull();
		expect(await avatarFiles(carol.id)).toEqual([]);
		expect((await carol.call(`/api/v1/users/${carol.id}/avatar?v=1`)).status).toBe(404);
	});

	it('404 for users without an avatar and unknown ids; 401 anonymous', async () => {
		expect((await bob.call(`/api/v1/users/${bob.id}/avatar`)).status).toBe(404);
		expect((await bob.call('/api/v1/users/not-a-uuid/avatar')).status).toBe(404);
		expect(
			(await bob.call('/api/v1/users/00000000-0000-4000-8000-000000000000/avatar')).status
		).toBe(404);
		expect((await api(`/api/v1/users/${alice.id}/avatar`)).status).toBe(401);
	});

	it('refuses non-images (415), oversized bodies (413) and pixel bombs (413)', async () => {
		const dave = await registerAccount('Dave');
		const text = await upload(
			dave,
			Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
			'image/svg+xml'
		);
		expect(text.status).toBe(415);
		const fake = await upload(dave, Buffer.from('GIF89a not really'), 'image/gif');
		expect(fake.status).toBe(415);
		// JPEG magic bytes, garbage after them.
		const broken = await upload(
			dave,
			Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(500, 7)])
		);
		expect(broken.status).toBe(415);
		const empty = await upload(dave, Buffer.alloc(0));
		expect(empty.status).toBe(400);
		const huge = await upload(dave, Buffer.alloc(10 * 1024 * 1024 + 1, 1));
		expect(huge.status).toBe(413);
		const bomb = await upload(dave, await pixelBomb(), 'image/png');
		expect(bomb.status).toBe(413);
		expect(bomb.body.error.code).toBe('PAYLOAD_TOO_LARGE');
		expect((await dave.call('/api/v1/me')).body.user.avatarUrl).toBeNull();
		expect(await avatarFiles(dave.id)).toEqual([]);
	});

	it('401 anonymous, 403 cross-site', async () => {
		const jpeg = await sidewaysJpeg();
		const anon = await api('/api/v1/me/avatar', {
			method: 'POST',
			body: new Uint8Array(jpeg),
			headers: { 'content-type': 'image/jpeg' }
		});
		expect(anon.status).toBe(401);
		expect((await api('/api/v1/me/avatar', { method: 'DELETE' })).status).toBe(401);
		const evil = await upload(bob, jpeg, 'image/jpeg', { origin: 'https://evil.example' });
		expect(evil.status).toBe(403);
		const evilDelete = await bob.call('/api/v1/me/avatar', {
			method: 'DELETE',
			headers: { 'sec-fetch-site': 'cross-site' }
		});
		expect(evilDelete.status).toBe(403);
	});

	it('the profile page form uploads and removes the avatar; cross-site posts are refused', async () => {
		const erin = await registerAccount('Erin');
		const form = async (action: string, headers: Record<string, string>, file?: Buffer) => {
			const body = new FormData();
			if (file)
				body.append('avatar', new Blob([new Uint8Array(file)], { type: 'image/jpeg' }), 'a.jpg');
			return erin.call(`/account?/${action}`, { method: 'POST', body, headers });
		};
		const same = { origin: inject('publicOrigin'), 'sec-fetch-site': 'same-origin' };
		const jpeg = await sidewaysJpeg();
		expect((await form('avatar', { origin: 'https://evil.example' }, jpeg)).status).toBe(403);
		expect((await erin.call('/api/v1/me')).body.user.avatarUrl).toBeNull();

		const bad = await form('avatar', same, Buffer.from('not an image'));
		// A form action answers a non-HTML client with { type: 'failure', status, data }.
		expect(bad.body).toMatchObject({ type: 'failure', status: 415 });
		expect(JSON.stringify(bad.body)).toContain('JPEG, PNG or WebP');
		expect((await form('avatar', same, jpeg)).status).toBe(200);
		expect((await erin.call('/api/v1/me')).body.user.avatarUrl).toMatch(/\/avatar\?v=/);
		expect(await avatarFiles(erin.id)).toHaveLength(1);

		expect((await form('removeAvatar', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
		expect((await form('removeAvatar', same)).status).toBe(200);
		expect((await erin.call('/api/v1/me')).body.user.avatarUrl).toBeNull();
		expect(await avatarFiles(erin.id)).toEqual([]);
	});
});
