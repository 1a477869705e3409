// Account deletion: everything personal goes in one transaction; uploads others still use stay,
// owned by an anonymous tombstone; counters stay consistent.
import { mkdtemp, rm } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { addMember, createRoom } from '../../../tests/helpers.ts';
import {
	client,
	connected,
	nextEvent,
	ok,
	openDb,
	request,
	startNode
} from '../../realtime/test/harness.ts';
import { api } from './api-client.ts';
import { PASSWORD, registerAccount, signInAgain, type Account } from './account-client.ts';
import { filesUnder, testDb } from './tracks-client.ts';

let dir: string;
let n = 0;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-delete-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Track {
	id: string;
	streamUrl: string;
	likeCount: number;
}

async function upload(a: Account, visibility: 'public' | 'private' = 'public'): Promise<Track> {
	const file = await makeAudio(dir, 'mp3', {
		seconds: 1,
		title: `Delete ${++n}`,
		artist: 'Gone Band',
		frequencyHz: 300 + n * 7
	});
	const form = new FormData();
	form.append('file', await openAsBlob(file, { type: 'audio/mpeg' }), `t${n}.mp3`);
	const res = await a.call('/api/v1/tracks', { method: 'POST', body: form });
	expect(res.status).toBe(201);
	if (visibility === 'private') return res.body;
	const patched = await a.call(`/api/v1/tracks/${res.body.id}`, {
		method: 'PATCH',
		json: { visibility }
	});
	expect(patched.status).toBe(200);
	return patched.body;
}

const blobFiles = async () => (await filesUnder(join(inject('dataDir'), 'blobs'))).sort();
const sha = async (trackId: string) =>
	(await testDb().track.findUniqueOrThrow({ where: { id: trackId } })).blobSha256;
const deleteMe = (a: Account, json: unknown, headers: Record<string, string> = {}) =>
	a.call('/api/v1/me', { method: 'DELETE', json, headers });

describe('DELETE /api/v1/me', () => {
	it('keeps referenced uploads under a tombstone and removes everything else', async () => {
		const db = testDb();
		const alice = await registerAccount('Alice Gone');
		const bob = await registerAccount('Bob');
		const carol = await registerAccount('Carol');
		const aliceOther = await signInAgain(alice);

		const inBobsPlaylist = await upload(alice);
		const likedByCarol = await upload(alice);
		const unused = await upload(alice, 'private');
		const queuedWithBob = await upload(alice);
		const bobs = await upload(bob);

		const playlist = await bob.call('/api/v1/playlists', { json: { name: 'Keep' } });
		expect(playlist.status).toBe(201);
		const pid = playlist.body.id ?? playlist.body.playlist?.id;
		expect(
			(await bob.call(`/api/v1/playlists/${pid}/items`, { json: { trackId: inBobsPlaylist.id } }))
				.status
		).toBeLessThan(300);
		for (const [who, id] of [
			[carol, likedByCarol.id],
			[alice, likedByCarol.id],
			[alice, bobs.id],
			[alice, unused.id]
		] as const)
			expect((await who.call(`/api/v1/tracks/${id}/like`, { method: 'PUT' })).status).toBeLessThan(
				300
			);
		expect((await db.track.findUniqueOrThrow({ where: { id: bobs.id } })).likeCount).toBe(1);

		// Rooms: one Alice hosts alone, one with Bob in it; a chat message in Bob's room.
		const alone = await createRoom(db, alice.id, { name: 'Alone' });
		const shared = await createRoom(db, alice.id, { name: 'Shared' });
		await addMember(db, shared.id, bob.id);
		const bobsRoom = await createRoom(db, bob.id, { name: 'Bobs' });
		await addMember(db, bobsRoom.id, alice.id);
		const message = await db.chatMessage.create({
			data: { roomId: bobsRoom.id, userId: alice.id, body: 'bye' }
		});
		// Alice's track queued in Bob's room (Bob is a member): referenced. Alice voted on it.
		const queued = await db.queueItem.create({
			data: { roomId: bobsRoom.id, trackId: queuedWithBob.id, addedBy: alice.id, score: 1 }
		});
		await db.queueVote.create({ data: { itemId: queued.id, userId: alice.id, value: 1 } });
		const unusedSha = await sha(unused.id);
		const keptShas = [
			await sha(inBobsPlaylist.id),
			await sha(likedByCarol.id),
			await sha(queuedWithBob.id)
		];

		const res = await deleteMe(alice, { confirm: alice.email.toUpperCase(), password: PASSWORD });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ tombstone: true, deletedTracks: 1, keptTracks: 3 });
		expect(res.setCookie).toMatch(/chorus_session=;/);

		// Signed out everywhere, and cannot sign in again.
		expect((await alice.call('/api/v1/me')).status).toBe(401);
		expect((await api('/api/v1/me', { cookie: aliceOther })).status).toBe(401);
		const login = await api('/api/v1/auth/login', {
			json: { email: alice.email, password: PASSWORD }
		});
		expect(login.status).toBe(401);

		const row = await db.user.findUniqueOrThrow({ where: { id: alice.id } });
		expect(row).toMatchObject({
			email: null,
			passwordHash: null,
			displayName: 'Deleted user',
			avatarKey: null
		});
		expect(row.deletedAt).toBeInstanceOf(Date);
		expect(await db.session.count({ where: { userId: alice.id } })).toBe(0);
		expect(await db.trackLike.count({ where: { userId: alice.id } })).toBe(0);
		expect(await db.roomMember.count({ where: { userId: alice.id } })).toBe(0);

		// like_count matches the rows left.
		for (const t of [bobs, likedByCarol]) {
			const track = await db.track.findUniqueOrThrow({ where: { id: t.id } });
			expect(track.likeCount).toBe(await db.trackLike.count({ where: { trackId: t.id } }));
		}
		expect((await db.track.findUniqueOrThrow({ where: { id: bobs.id } })).likeCount).toBe(0);
		expect((await db.track.findUniqueOrThrow({ where: { id: likedByCarol.id } })).likeCount).toBe(
			1
		);

		// The unused upload and its blob are gone; the referenced ones stay.
		expect(await db.track.findUnique({ where: { id: unused.id } })).toBeNull();
		const files = await blobFiles();
		expect(files).not.toContain(`audio/${unusedSha}`);
		for (const s of keptShas) expect(files).toContain(`audio/${s}`);

		// Bob's playlist still plays Alice's track.
		const list = await bob.call(`/api/v1/playlists/${pid}`);
		expect(JSON.stringify(list.body)).toContain(inBobsPlaylist.id);
		const stream = await bob.call(inBobsPlaylist.streamUrl, { headers: { range: 'bytes=0-99' } });
		expect([200, 206]).toContain(stream.status);

		// Rooms: the lonely one is closed, the shared one goes on with Bob as its host.
		expect((await db.room.findUniqueOrThrow({ where: { id: alone.id } })).closedAt).not.toBeNull();
		const sharedRow = await db.room.findUniqueOrThrow({ where: { id: shared.id } });
		expect(sharedRow).toMatchObject({ closedAt: null, hostId: bob.id });
		// The queue item stays, without Alice's vote in its score.
		expect(await db.queueItem.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
			score: 0,
			addedBy: null
		});
		expect(await db.queueVote.count({ where: { itemId: queued.id } })).toBe(0);
		// Chat is anonymized, not deleted.
		expect(await db.chatMessage.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({
			userId: null,
			body: 'bye'
		});
	});

	it('deletes the user row when no upload is referenced', async () => {
		const db = testDb();
		const dan = await registerAccount('Dan');
		const erin = await registerAccount('Erin');
		const mine = await upload(dan);
		const erins = await upload(erin);
		expect(
			(await dan.call(`/api/v1/tracks/${erins.id}/like`, { method: 'PUT' })).status
		).toBeLessThan(300);
		const mineSha = await sha(mine.id);

		const res = await deleteMe(dan, { confirm: 'Dan', password: PASSWORD });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ tombstone: false, deletedTracks: 1, keptTracks: 0 });
		expect(await db.user.findUnique({ where: { id: dan.id } })).toBeNull();
		expect(await db.track.findUnique({ where: { id: mine.id } })).toBeNull();
		expect(await blobFiles()).not.toContain(`audio/${mineSha}`);
		expect((await db.track.findUniqueOrThrow({ where: { id: erins.id } })).likeCount).toBe(0);
		// Erin is untouched.
		expect((await erin.call('/api/v1/me')).status).toBe(200);
	});

	it('a hosted room passes to the earliest co-host (else the earliest member) at a new version', async () => {
		const db = testDb();
		const [gina, early, cohost, other] = await Promise.all(
			['Gina', 'Early', 'Cohost', 'Other'].map((n) => registerAccount(n))
		);
		const at = (s: number) => new Date(Date.now() + s * 1000);
		const withCohost = await createRoom(db, gina!.id);
		await addMember(db, withCohost.id, early!.id, 'listener', at(1));
		await addMember(db, withCohost.id, cohost!.id, 'cohost', at(2));
		const listenersOnly = await createRoom(db, gina!.id);
		await addMember(db, listenersOnly.id, early!.id, 'listener', at(1));
		await addMember(db, listenersOnly.id, other!.id, 'listener', at(2));
		const versions = await db.room.findMany({
			where: { id: { in: [withCohost.id, listenersOnly.id] } },
			select: { id: true, version: true }
		});

		expect((await deleteMe(gina!, { confirm: 'Gina', password: PASSWORD })).status).toBe(200);
		for (const [room, heir] of [
			[withCohost, cohost],
			[listenersOnly, early]
		] as const) {
			const row = await db.room.findUniqueOrThrow({ where: { id: room.id } });
			expect(row.hostId).toBe(heir!.id);
			expect(row.closedAt).toBeNull();
			// Realtime nodes re-broadcast rooms whose version the web app moved.
			expect(row.version).toBeGreaterThan(versions.find((v) => v.id === room.id)!.version);
			const roles = await db.roomMember.findMany({
				where: { roomId: room.id },
				select: { userId: true, role: true }
			});
			expect(roles.filter((r) => r.role === 'host')).toEqual([{ userId: heir!.id, role: 'host' }]);
			expect(roles.some((r) => r.userId === gina!.id)).toBe(false);
		}
	});

	it('a realtime node serving the room re-broadcasts it at the bumped version: new host, members', async () => {
		const db = testDb();
		const [hana, ivo] = await Promise.all(['Hana', 'Ivo'].map((n) => registerAccount(n)));
		const room = await createRoom(db, hana!.id);
		await addMember(db, room.id, ivo!.id, 'listener');
		const { db: nodeDb, sessions } = openDb(inject('databaseUrl'));
		const node = await startNode(nodeDb, sessions, { databaseUrl: inject('databaseUrl') });
		const socket = client(node.url, { token: (await sessions.create(ivo!.id)).token });
		try {
			await connected(socket);
			const snap = ok(await request(socket, 'room:join', { roomId: room.id }));
			const roomUpdated = nextEvent(socket, 'room:updated', (e) => e.version > snap.version);
			const membersUpdated = nextEvent(socket, 'members:updated', (e) => e.version > snap.version);

			expect((await deleteMe(hana!, { confirm: 'Hana', password: PASSWORD })).status).toBe(200);
			const updated = await roomUpdated;
			expect(updated.room.hostId).toBe(ivo!.id);
			// The web app's bump, then the node's re-render at the next version.
			expect(updated.version).toBe(snap.version + 2);
			const members = await membersUpdated;
			expect(members.version).toBe(updated.version);
			expect(members.members.map((m) => [m.userId, m.role])).toEqual([[ivo!.id, 'host']]);
		} finally {
			socket.disconnect();
			await node.stop();
			await nodeDb.$disconnect();
		}
	});

	it('the settings form deletes the account, clears the cookie and says so on the sign-in page', async () => {
		const fay = await registerAccount('Fay');
		const res = await api('/account/delete', {
			method: 'POST',
			cookie: fay.cookie,
			body: new URLSearchParams({ confirm: 'fay', password: PASSWORD }).toString(),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: inject('publicOrigin'),
				'sec-fetch-site': 'same-origin'
			}
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/login?deleted=1');
		expect(res.setCookie).toMatch(/chorus_session=;/);
		expect(await testDb().user.findUnique({ where: { id: fay.id } })).toBeNull();
		expect((await api('/login?deleted=1')).body).toContain('Your account was deleted');
	});

	it('refuses without the right confirmation or password, and rate-limits wrong passwords', async () => {
		const db = testDb();
		const frank = await registerAccount('Frank');
		const bad = await deleteMe(frank, { confirm: 'someone else', password: PASSWORD });
		expect(bad.status).toBe(400);
		const missing = await deleteMe(frank, { confirm: frank.email });
		expect(missing.status).toBe(400);
		expect(missing.body.error.code).toBe('INVALID_CREDENTIALS');
		const limit = inject('rateLimits').loginPerAccount;
		for (let i = 1; i < limit; i++) {
			const wrong = await deleteMe(frank, { confirm: frank.email, password: `nope-${i}-nope` });
			expect(wrong.status).toBe(400);
		}
		const limited = await deleteMe(frank, { confirm: frank.email, password: PASSWORD });
		expect(limited.status).toBe(429);
		expect(await db.user.findUnique({ where: { id: frank.id } })).not.toBeNull();
		expect((await frank.call('/api/v1/me')).status).toBe(200);
	});

	it('401 anonymous, 403 cross-site, 400 malformed', async () => {
		const gina = await registerAccount('Gina');
		expect(
			(
				await api('/api/v1/me', {
					method: 'DELETE',
					json: { confirm: gina.email, password: PASSWORD }
				})
			).status
		).toBe(401);
		const evil = await deleteMe(
			gina,
			{ confirm: gina.email, password: PASSWORD },
			{ origin: 'https://evil.example' }
		);
		expect(evil.status).toBe(403);
		expect((await deleteMe(gina, { confirm: gina.email, extra: 1 })).status).toBe(400);
		expect((await gina.call('/api/v1/me')).status).toBe(200);
	});
});
