import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
			headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, origin: base },
			body: JSON.stringify({
				email: uniqueEmail('demo'),
				password: 'tidal-marmot-orchard-5',
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
		// Cyrillic tags, found from a Latin keyboard too.
		const kino = (await (
			await fetch(`${base}/api/v1/search?q=kino`, {
				headers: { cookie: session.cookie, 'x-forwarded-for': ip }
			})
		).json()) as { tracks: { title: string; artist: string }[] };
		expect(kino.tracks.filter((t) => t.artist === 'Кино').map((t) => t.title)).toEqual(
			expect.arrayContaining(['Группа крови', 'Спокойная ночь'])
		);

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

		// A demo room with four queued tracks, once, and a working invite link on every start.
		const { db, sessions } = openDb(inject('databaseUrl'));
		const node = await startNode(db, sessions);
		const dir = await mkdtemp(join(tmpdir(), 'chorus-demo-invite-'));
		const inviteFile = join(dir, 'demo-invite.json');
		const preview = async (link: string) => {
			const res = await fetch(`${base}/api/v1/invites/${link.split('/').pop()}`, {
				headers: { 'x-forwarded-for': ip }
			});
			return {
				status: res.status,
				room: ((await res.json()) as { room?: { id: string; name: string } }).room
			};
		};
		try {
			const invite = await seedDemoRoom(session, node.url, ALLOWED_ORIGIN, inviteFile);
			expect(invite).toMatch(new RegExp(`^${base}/invite/[\\w-]{40,}$`));
			const { room } = await preview(invite!);
			expect(room!.name).toBe('Demo listening room');
			expect(await db.queueItem.count({ where: { roomId: room!.id, status: 'queued' } })).toBe(4);

			// The next start prints the same link (rebuilt on the app's origin of that start).
			expect(await seedDemoRoom(session, node.url, ALLOWED_ORIGIN, inviteFile)).toBe(invite);
			// Revoked (or the file lost): a new working link to the same room, no second room.
			await db.roomInvite.updateMany({
				where: { roomId: room!.id },
				data: { revokedAt: new Date() }
			});
			const next = await seedDemoRoom(session, node.url, ALLOWED_ORIGIN, inviteFile);
			expect(next).not.toBe(invite);
			expect((await preview(next!)).room!.id).toBe(room!.id);
			await rm(inviteFile);
			const third = await seedDemoRoom(session, node.url, ALLOWED_ORIGIN, inviteFile);
			expect(third).not.toBe(next);
			expect((await preview(third!)).status).toBe(200);
			const rooms = (await (
				await fetch(`${base}/api/v1/rooms`, {
					headers: { cookie: session.cookie, 'x-forwarded-for': ip }
				})
			).json()) as { rooms: { room: { name: string } }[] };
			expect(rooms.rooms.map((r) => r.room.name)).toEqual(['Demo listening room']);
		} finally {
			await node.stop();
			await db.$disconnect();
			await rm(dir, { recursive: true, force: true });
		}
	}, 60_000);
});
