import { describe, expect, inject, it } from 'vitest';
import { ALLOWED_ORIGIN, openDb, startNode } from '../apps/realtime/test/harness.ts';
import { DEMO_ALBUMS, seedDemoLibrary, seedDemoRoom } from '../scripts/lib/demo-library.ts';
import { randomIp, uniqueEmail } from './helpers.ts';

describe('demo library', () => {
	it('uploads tagged, public tracks with covers once, and is a no-op the second time', async () => {
		const base = inject('webUrl');
		const ip = randomIp();
		const reg = await fetch(`${base}/api/v1/auth/register`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
			body: JSON.stringify({
				email: uniqueEmail('demo'),
				password: 'password-123',
				displayName: 'Demo'
			})
		});
		expect(reg.status).toBe(201);
		// The integration server sits behind a (pretend) proxy: every request names its client.
		const session = {
			base,
			cookie: reg.headers.get('set-cookie')!.split(';')[0]!,
			headers: { 'x-forwarded-for': ip }
		};
		const expected = DEMO_ALBUMS.reduce((n, a) => n + a.titles.length, 0);
		expect(await seedDemoLibrary(session)).toBe(expected);
		expect(await seedDemoLibrary(session)).toBe(0);

		const res = await fetch(`${base}/api/v1/tracks`, {
			headers: { cookie: session.cookie, 'x-forwarded-for': ip }
		});
		const { tracks } = (await res.json()) as {
			tracks: {
				title: string;
				artist: string;
				album: string;
				genre: string;
				visibility: string;
			}[];
		};
		expect(tracks).toHaveLength(expected);
		expect(new Set(tracks.map((t) => t.genre)).size).toBe(DEMO_ALBUMS.length);
		expect(tracks.every((t) => t.visibility === 'public')).toBe(true);
		expect(tracks.map((t) => t.title)).toContain('Café del Mar Mañana');
		expect(tracks.find((t) => t.title === 'Blue Hour')).toMatchObject({
			artist: 'Mira Sol',
			album: 'Blue Hour',
			genre: 'Jazz'
		});

		// Covers come from the embedded pictures once background processing ran.
		const deadline = Date.now() + 30_000;
		for (;;) {
			const list = (await (
				await fetch(`${base}/api/v1/tracks`, {
					headers: { cookie: session.cookie, 'x-forwarded-for': ip }
				})
			).json()) as { tracks: { processingStatus: string; coverUrl: string }[] };
			if (list.tracks.every((t) => t.processingStatus !== 'pending')) {
				expect(list.tracks.every((t) => t.processingStatus === 'ready')).toBe(true);
				expect(list.tracks.every((t) => !t.coverUrl.includes('placeholder'))).toBe(true);
				break;
			}
			if (Date.now() > deadline) throw new Error('demo tracks still processing');
			await new Promise((r) => setTimeout(r, 250));
		}

		// A demo room with four queued tracks and a working invite, once.
		const { db, sessions } = openDb(inject('databaseUrl'));
		const node = await startNode(db, sessions);
		try {
			const invite = await seedDemoRoom(session, node.url, ALLOWED_ORIGIN);
			expect(invite).toMatch(/\/invite\/[\w-]{40,}$/);
			expect(await seedDemoRoom(session, node.url, ALLOWED_ORIGIN)).toBeNull();
			const preview = await fetch(`${base}/api/v1/invites/${invite!.split('/').pop()}`, {
				headers: { 'x-forwarded-for': ip }
			});
			const { room } = (await preview.json()) as { room: { id: string; name: string } };
			expect(room.name).toBe('Demo listening room');
			expect(await db.queueItem.count({ where: { roomId: room.id, status: 'queued' } })).toBe(4);
		} finally {
			await node.stop();
			await db.$disconnect();
		}
	}, 60_000);
});
