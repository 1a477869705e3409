// Instance administration against the real built app and PostgreSQL, on an instance of its own
// (admin-client.ts): roles, the access wall, disabling, quotas, storage, takedown, registration
// modes, guest cleanup, deletion, and the audit entry every admin action leaves.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { uniqueEmail } from '../../../tests/helpers.ts';
import {
	client,
	connected,
	nextEvent,
	ok,
	openDb,
	request,
	startNode,
	type Node
} from '../../realtime/test/harness.ts';
import {
	ADMIN_EMAIL,
	joinAsGuest,
	login,
	PASSWORD,
	register,
	roomWithInvite,
	startInstance,
	upload,
	type Instance,
	type Person
} from './admin-client.ts';

let i: Instance;
let admin: Person;
let dir: string;
let node: Node;
let nodeDb: ReturnType<typeof openDb>;
let n = 0;

const audio = () =>
	makeAudio(dir, 'mp3', {
		seconds: 1,
		title: `Admin ${++n}`,
		artist: 'Takedown Band',
		frequencyHz: 220 + n * 11
	});

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-admin-audio-'));
	i = await startInstance();
	nodeDb = openDb(i.dbUrl);
	node = await startNode(nodeDb.db, nodeDb.sessions, { databaseUrl: i.dbUrl });
}, 120_000);

afterAll(async () => {
	await node?.stop();
	await nodeDb?.db.$disconnect();
	await i?.stop();
	await rm(dir, { recursive: true, force: true });
});

const audit = async (action: string, targetId?: string) =>
	(
		await i.db.adminAuditEntry.findMany({
			where: { action, ...(targetId ? { targetId } : {}) },
			orderBy: { createdAt: 'desc' }
		})
	).map((e) => ({ ...e, details: e.details as Record<string, unknown> }));

const patchUser = (p: Person, id: string, json: unknown) =>
	p.call(`/api/v1/admin/users/${id}`, { method: 'PATCH', json });

describe('roles', () => {
	it('the first account registered is the admin; later ones are not', async () => {
		admin = await register(i, 'Ada Admin');
		const bob = await register(i, 'Bob');
		expect((await i.db.user.findUniqueOrThrow({ where: { id: admin.id } })).isAdmin).toBe(true);
		expect((await i.db.user.findUniqueOrThrow({ where: { id: bob.id } })).isAdmin).toBe(false);
		const list = await admin.call('/api/v1/admin/users');
		expect(list.status).toBe(200);
		expect(list.body.users.map((u: { id: string }) => u.id)).toEqual(
			expect.arrayContaining([admin.id, bob.id])
		);
		expect((await bob.call('/api/v1/admin/users')).status).toBe(403);
	});

	it('an ADMIN_EMAILS address is admin once verified, and its role cannot be removed here', async () => {
		const boss = await register(i, 'Boss', ADMIN_EMAIL);
		// Anyone could sign up with the configured address first: unverified, it grants nothing.
		expect((await boss.call('/api/v1/admin/users')).status).toBe(403);
		await i.db.user.update({ where: { id: boss.id }, data: { emailVerifiedAt: new Date() } });
		expect((await boss.call('/api/v1/admin/users')).status).toBe(200);
		const res = await patchUser(admin, boss.id, { admin: false });
		expect(res.status).toBe(409);
		expect(res.body.error.message).toMatch(/ADMIN_EMAILS/);
	});

	it('an admin grants and removes the role (audited), never their own, never to a guest', async () => {
		const cleo = await register(i, 'Cleo');
		const granted = await patchUser(admin, cleo.id, { admin: true });
		expect(granted.status).toBe(200);
		expect(granted.body.user).toMatchObject({ id: cleo.id, isAdmin: true, adminFromEnv: false });
		expect((await cleo.call('/api/v1/admin/storage')).status).toBe(200);
		expect((await patchUser(cleo, cleo.id, { admin: false })).status).toBe(409);
		expect((await patchUser(admin, cleo.id, { admin: false })).status).toBe(200);
		expect((await cleo.call('/api/v1/admin/storage')).status).toBe(403);
		expect((await audit('user.role', cleo.id)).map((e) => e.details.admin)).toEqual([false, true]);

		const { token } = await roomWithInvite(admin);
		const guest = await joinAsGuest(i, token, 'Gail');
		expect(guest.status).toBe(200);
		const res = await patchUser(admin, guest.body.user.id, { admin: true });
		expect(res.status).toBe(422);
	});
});

describe('nobody but an admin reaches anything under /admin or /api/v1/admin', () => {
	const routesDir = join(import.meta.dirname, '../src/routes');

	async function files(under: string, name: string): Promise<string[]> {
		const entries = await readdir(join(routesDir, under), { recursive: true });
		return entries
			.filter((e) => e === name || e.endsWith(`${sep}${name}`))
			.map((e) => relative(routesDir, join(routesDir, under, e)));
	}
	const toUrl = (file: string) =>
		'/' +
		file
			.split(sep)
			.slice(0, -1)
			.map((seg) => (seg.startsWith('[') ? randomUUID() : seg))
			.join('/');

	it('every admin API route is in the OpenAPI registry', async () => {
		const doc = (await i.call('/api/v1/openapi.json')).body;
		const documented = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/admin'));
		const served = (await files('api/v1/admin', '+server.ts')).map(
			(f) =>
				'/' +
				f
					.split(sep)
					.slice(0, -1)
					.map((s) => (s.startsWith('[') ? `{${s.slice(1, -1)}}` : s))
					.join('/')
		);
		expect(served.length).toBeGreaterThanOrEqual(7);
		expect(new Set(documented)).toEqual(new Set(served));
	});

	it('401 anonymous, 403 guest, normal user and a disabled admin, on every route and method', async () => {
		const doc = (await i.call('/api/v1/openapi.json')).body;
		const calls = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
			.filter(([p]) => p.startsWith('/api/v1/admin'))
			.flatMap(([p, methods]) =>
				Object.keys(methods).map((m) => ({
					method: m.toUpperCase(),
					path: p.replace(/\{[^}]+\}/g, randomUUID())
				}))
			);
		expect(calls.length).toBeGreaterThanOrEqual(11);

		const user = await register(i, 'Norma');
		const { token } = await roomWithInvite(user);
		const guest = (await joinAsGuest(i, token, 'Gwen')).cookie!;
		// A former admin, disabled: the cookie stops signing in at all.
		const dora = await register(i, 'Dora');
		expect((await patchUser(admin, dora.id, { admin: true })).status).toBe(200);
		expect((await patchUser(admin, dora.id, { disabled: true })).status).toBe(200);

		const who: [string, string | null, number][] = [
			['anonymous', null, 401],
			['guest', guest, 403],
			['user', user.cookie, 403],
			['disabled admin', dora.cookie, 401]
		];
		for (const [label, cookie, status] of who) {
			for (const c of calls) {
				const body = c.method === 'GET' ? {} : { json: {} };
				const res = await i.call(c.path, { method: c.method, cookie, ...body });
				expect([label, c.method, c.path, res.status]).toEqual([label, c.method, c.path, status]);
				// Guests are stopped before the admin gate, by the guest policy (its own code).
				const code =
					status === 401 ? 'UNAUTHENTICATED' : label === 'guest' ? 'GUEST_FORBIDDEN' : 'FORBIDDEN';
				expect(res.body.error.code).toBe(code);
			}
		}
		// Nothing was changed by any of it.
		expect(await i.db.adminAuditEntry.count({ where: { actorId: { not: admin.id } } })).toBe(0);
	});

	it('admin pages: sign-in for anonymous visitors, 403 for others, form posts refused', async () => {
		const pages = (await files('admin', '+page.svelte')).map(toUrl);
		expect(pages).toEqual(expect.arrayContaining(['/admin', '/admin/users', '/admin/audit']));
		const user = await register(i, 'Pam');
		const { token, roomId } = await roomWithInvite(user);
		const guest = (await joinAsGuest(i, token, 'Gus')).cookie!;
		const form = {
			method: 'POST',
			body: 'x=1',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: i.url
			}
		};
		for (const page of pages) {
			const anon = await i.call(page);
			expect([page, anon.status]).toEqual([page, 303]);
			expect(anon.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent(page)}`);
			// Client-side navigation gets the same redirect, as data.
			expect((await i.call(`${page}/__data.json`)).body).toMatchObject({ type: 'redirect' });
			for (const cookie of [guest, user.cookie]) {
				const res = await i.call(page, { cookie });
				// A guest is sent back to their room (guest policy); an account sees the 403 page.
				if (cookie === guest) {
					expect([page, res.status, res.headers.get('location')]).toEqual([
						page,
						303,
						`/rooms/${roomId}`
					]);
				} else expect([page, res.status]).toEqual([page, 403]);
				expect(JSON.stringify(res.body)).not.toMatch(/Ada Admin/);
				const data = await i.call(`${page}/__data.json`, { cookie });
				expect(JSON.stringify(data.body)).not.toMatch(/Ada Admin/);
				for (const action of ['', '?/disable', '?/delete', '?/takedown', '?/registration']) {
					const posted = await i.call(page + action, { cookie, ...form });
					expect([page + action, posted.status]).toEqual([page + action, 403]);
				}
			}
			expect((await i.call(page + '?/delete', form)).status).toBe(401);
			expect((await i.call(page, { cookie: admin.cookie })).status).toBe(200);
		}
	});

	it('an encoded spelling of an admin path is no way around it', async () => {
		const user = await register(i, 'Sly');
		for (const path of ['/%61dmin/users', '/api/v1/%61dmin/users', '/api/v1/admin/nope']) {
			for (const cookie of [null, user.cookie]) {
				const res = await i.call(path, { cookie });
				expect([
					path,
					cookie ? 'user' : 'anonymous',
					[303, 401, 403, 404].includes(res.status)
				]).toEqual([path, cookie ? 'user' : 'anonymous', true]);
				expect(JSON.stringify(res.body)).not.toMatch(/Ada Admin/);
			}
		}
	});

	it('a cross-site request is refused even for an admin', async () => {
		const bob = await register(i, 'Cross');
		const res = await admin.call(`/api/v1/admin/users/${bob.id}`, {
			method: 'PATCH',
			json: { disabled: true },
			headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
		});
		expect(res.status).toBe(403);
		expect((await i.db.user.findUniqueOrThrow({ where: { id: bob.id } })).disabledAt).toBeNull();
	});
});

describe('users', () => {
	it('lists with search and paging', async () => {
		const tag = `zz${randomUUID().slice(0, 6)}`;
		for (let k = 0; k < 27; k++) await register(i, `${tag} ${k}`);
		const p1 = await admin.call(`/api/v1/admin/users?q=${tag}`);
		expect(p1.status).toBe(200);
		expect(p1.body).toMatchObject({ page: 1, pageSize: 25, total: 27 });
		expect(p1.body.users).toHaveLength(25);
		expect(p1.body.users[0].displayName).toBe(`${tag} 26`); // newest first
		const p2 = await admin.call(`/api/v1/admin/users?q=${tag.toUpperCase()}&page=2`);
		expect(p2.body.users.map((u: { displayName: string }) => u.displayName)).toEqual([
			`${tag} 1`,
			`${tag} 0`
		]);
		expect((await admin.call('/api/v1/admin/users?page=0')).status).toBe(400);
		expect((await admin.call(`/api/v1/admin/users/${randomUUID()}`)).status).toBe(404);
		expect((await admin.call('/api/v1/admin/users/not-a-uuid')).status).toBe(404);
		expect((await patchUser(admin, randomUUID(), { disabled: true })).status).toBe(404);
		expect((await patchUser(admin, admin.id, {})).status).toBe(400);
		expect((await patchUser(admin, admin.id, { nope: 1 })).status).toBe(400);
	});

	it('disabling ends every session and socket at once; sign-in is refused with a clear message', async () => {
		const dan = await register(i, 'Dan');
		const second = (await login(i, dan.email)).cookie!;
		const { roomId } = await roomWithInvite(dan);
		const socket = client(node.url, { cookie: second });
		try {
			await connected(socket);
			ok(await request(socket, 'room:join', { roomId }));
			const revoked = nextEvent(socket, 'session:revoked');
			const gone = new Promise<void>((r) => socket.once('disconnect', () => r()));

			const res = await patchUser(admin, dan.id, { disabled: true });
			expect(res.status).toBe(200);
			expect(res.body.user.disabledAt).toEqual(expect.any(String));
			expect(await revoked).toEqual({ reason: 'revoked' });
			await gone;
		} finally {
			socket.disconnect();
		}
		expect(await i.db.session.count({ where: { userId: dan.id } })).toBe(0);
		for (const cookie of [dan.cookie, second])
			expect((await i.call('/api/v1/me', { cookie })).status).toBe(401);

		const signIn = await login(i, dan.email);
		expect(signIn.status).toBe(403);
		expect(signIn.body.error).toEqual({
			code: 'ACCOUNT_DISABLED',
			message: expect.stringMatching(/disabled by an administrator/)
		});
		expect(signIn.cookie).toBeNull();
		// The sign-in form says so too.
		const page = await i.call('/login', {
			method: 'POST',
			body: new URLSearchParams({ email: dan.email, password: PASSWORD }).toString(),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: i.url
			}
		});
		expect(page.status).toBe(403);
		expect(JSON.stringify(page.body)).toMatch(/disabled by an administrator/);
		// A wrong password does not learn that the account exists and is disabled.
		const wrong = await i.call('/api/v1/auth/login', {
			json: { email: dan.email, password: 'wrong-password-1' }
		});
		expect(wrong.status).toBe(401);

		const [entry] = await audit('user.disable', dan.id);
		expect(entry).toMatchObject({
			actorId: admin.id,
			actorName: expect.stringContaining('Ada Admin'),
			targetType: 'user',
			targetLabel: expect.stringContaining(dan.email),
			details: { sessionsEnded: 2 }
		});

		expect((await patchUser(admin, dan.id, { disabled: false })).status).toBe(200);
		expect((await login(i, dan.email)).status).toBe(200);
		expect(await audit('user.enable', dan.id)).toHaveLength(1);
	});

	it('refuses to disable or delete yourself (409)', async () => {
		const res = await patchUser(admin, admin.id, { disabled: true });
		expect(res.status).toBe(409);
		expect(res.body.error.code).toBe('CONFLICT');
		expect((await admin.call(`/api/v1/admin/users/${admin.id}`, { method: 'DELETE' })).status).toBe(
			409
		);
		expect((await admin.call('/api/v1/me')).status).toBe(200);
	});

	it('deletes an account with the account deletion service, audited', async () => {
		const eve = await register(i, 'Eve');
		const { roomId } = await roomWithInvite(eve, 'Eve room');
		const res = await admin.call(`/api/v1/admin/users/${eve.id}`, { method: 'DELETE' });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ tombstone: false, deletedTracks: 0, keptTracks: 0 });
		expect(await i.db.user.findUnique({ where: { id: eve.id } })).toBeNull();
		expect((await i.db.room.findUniqueOrThrow({ where: { id: roomId } })).closedAt).not.toBeNull();
		expect((await i.call('/api/v1/me', { cookie: eve.cookie })).status).toBe(401);
		const [entry] = await audit('user.delete', eve.id);
		expect(entry).toMatchObject({ actorId: admin.id, targetLabel: expect.stringContaining('Eve') });
		expect((await admin.call(`/api/v1/admin/users/${eve.id}`, { method: 'DELETE' })).status).toBe(
			404
		);
	});
});

describe('quotas and storage', () => {
	it('a per-user quota replaces USER_QUOTA_BYTES for uploads, and usage is reported', async () => {
		const una = await register(i, 'Una');
		const first = await upload(una, await audio());
		expect(first.status).toBe(200);
		const size = first.body.sizeBytes as number;

		const set = await patchUser(admin, una.id, { uploadQuotaBytes: size + 10 });
		expect(set.status).toBe(200);
		expect(set.body.user).toMatchObject({
			usedBytes: size,
			trackCount: 1,
			quotaBytes: size + 10,
			effectiveQuotaBytes: size + 10
		});
		const refused = await upload(una, await audio());
		expect(refused.status).toBe(413);
		expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');

		const reset = await patchUser(admin, una.id, { uploadQuotaBytes: null });
		expect(reset.body.user.quotaBytes).toBeNull();
		expect(reset.body.user.effectiveQuotaBytes).toBe(20 * 1024 ** 3);
		expect((await upload(una, await audio())).status).toBe(200);

		expect((await audit('user.quota', una.id)).map((e) => [e.details.from, e.details.to])).toEqual([
			[size + 10, null],
			[null, size + 10]
		]);
		expect((await patchUser(admin, una.id, { uploadQuotaBytes: -1 })).status).toBe(400);

		const storage = await admin.call('/api/v1/admin/storage');
		expect(storage.status).toBe(200);
		const blobs = await i.db.blob.aggregate({ _sum: { sizeBytes: true } });
		expect(storage.body.storedBytes).toBe(Number(blobs._sum.sizeBytes));
		expect(storage.body.uploadedBytes).toBeGreaterThanOrEqual(storage.body.storedBytes);
		expect(storage.body.topUsers).toContainEqual(
			expect.objectContaining({ id: una.id, trackCount: 2 })
		);
	});
});

describe('takedown', () => {
	it('removes a track from the library, playlists, likes and live room queues; the blob goes', async () => {
		const owner = await register(i, 'Otto');
		const fan = await register(i, 'Fan');
		const file = await audio();
		const track = (await upload(owner, file)).body;
		const other = (await upload(owner, await audio())).body;
		expect(
			(await fan.call(`/api/v1/tracks/${track.id}/like`, { method: 'PUT' })).status
		).toBeLessThan(300);
		const playlist = await fan.call('/api/v1/playlists', { json: { name: 'Mix' } });
		const pid = playlist.body.id ?? playlist.body.playlist?.id;
		expect(
			(await fan.call(`/api/v1/playlists/${pid}/items`, { json: { trackId: track.id } })).status
		).toBeLessThan(300);

		// A room playing the track, with the other queued after it; the fan listens live.
		const { roomId, token } = await roomWithInvite(owner, 'Live');
		expect((await fan.call(`/api/v1/invites/${token}/accept`, { json: {} })).status).toBe(200);
		const playing = await i.db.queueItem.create({
			data: { roomId, trackId: track.id, addedBy: owner.id, status: 'playing' }
		});
		const next = await i.db.queueItem.create({
			data: { roomId, trackId: other.id, addedBy: owner.id }
		});
		// Ready (this instance runs no media worker), and long enough that the room's timeline
		// does not move on to the next track by itself during the test.
		await i.db.track.updateMany({
			where: { id: { in: [track.id, other.id] } },
			data: { processingStatus: 'ready', durationMs: 600_000 }
		});
		await i.db.room.update({
			where: { id: roomId },
			data: { currentItemId: playing.id, playbackPaused: false, playbackAnchorMs: Date.now() }
		});
		const blobPath = join(i.dataDir, 'blobs');
		const blobFiles = async () => (await readdir(blobPath, { recursive: true })).join('\n');
		expect(await blobFiles()).toContain(track.sha256.slice(4));

		const socket = client(node.url, { cookie: fan.cookie });
		let joinedAt: number;
		try {
			await connected(socket);
			const snap = ok(await request(socket, 'room:join', { roomId }));
			joinedAt = snap.version;
			expect(snap.playback.itemId).toBe(playing.id);
			const queue = nextEvent(socket, 'queue:updated', (e) => e.version > snap.version);
			const playback = nextEvent(socket, 'playback:state', (e) => e.version > snap.version);

			const res = await admin.call(`/api/v1/admin/tracks/${track.id}/takedown`, {
				json: { reason: 'DMCA notice #42' }
			});
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				trackId: track.id,
				rooms: 1,
				playlistItems: 1,
				likes: 1,
				blobDeleted: true
			});
			const q = await queue;
			expect(q.queue.map((e) => e.id)).toEqual([next.id]);
			const pb = await playback;
			expect(pb.playback).toMatchObject({ itemId: null, paused: true });
		} finally {
			socket.disconnect();
		}
		const room = await i.db.room.findUniqueOrThrow({ where: { id: roomId } });
		// Stopped at a new timeline (older playback commands are STALE), nothing current.
		expect(room).toMatchObject({ currentItemId: null, playbackPaused: true });
		expect(Number(room.timelineVersion)).toBeGreaterThan(joinedAt);
		expect(await i.db.queueItem.count({ where: { trackId: track.id } })).toBe(0);

		expect((await owner.call(`/api/v1/tracks/${track.id}`)).status).toBe(404);
		expect((await fan.call(`/api/v1/tracks/${track.id}/stream`)).status).toBe(404);
		const likes = await fan.call('/api/v1/me/likes');
		expect(JSON.stringify(likes.body)).not.toContain(track.id);
		const list = await fan.call(`/api/v1/playlists/${pid}`);
		expect(JSON.stringify(list.body)).not.toContain(track.id);
		expect(await i.db.blob.findUnique({ where: { sha256: track.sha256 } })).toBeNull();
		expect(await blobFiles()).not.toContain(track.sha256.slice(4));

		const [entry] = await audit('track.takedown', track.id);
		expect(entry).toMatchObject({
			actorId: admin.id,
			targetType: 'track',
			targetLabel: expect.stringContaining('Takedown Band'),
			details: expect.objectContaining({ reason: 'DMCA notice #42', ownerId: owner.id, rooms: 1 })
		});
		expect(
			(await admin.call(`/api/v1/admin/tracks/${track.id}/takedown`, { json: {} })).status
		).toBe(404);
	});

	it('keeps the blob while another upload of the same bytes uses it', async () => {
		const a = await register(i, 'Twin A');
		const b = await register(i, 'Twin B');
		const file = await audio();
		const ta = (await upload(a, file)).body;
		const tb = (await upload(b, file)).body;
		expect(ta.sha256).toBe(tb.sha256);
		const res = await admin.call(`/api/v1/admin/tracks/${ta.id}/takedown`, { method: 'POST' });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ rooms: 0, blobDeleted: false });
		expect((await b.call(`/api/v1/tracks/${tb.id}/stream`)).status).toBe(200);
	});

	it('finds any track, private ones included', async () => {
		const p = await register(i, 'Private Pete');
		const t = (await upload(p, await audio(), 'private')).body;
		const res = await admin.call(`/api/v1/admin/tracks?ownerId=${p.id}`);
		expect(res.status).toBe(200);
		expect(res.body.tracks).toEqual([
			expect.objectContaining({ id: t.id, visibility: 'private', owner: expect.any(Object) })
		]);
		const found = await admin.call(`/api/v1/admin/tracks?q=${encodeURIComponent(t.title)}`);
		expect(found.body.tracks.map((x: { id: string }) => x.id)).toContain(t.id);
	});
});

describe('registration mode', () => {
	const setMode = (mode: string | null) =>
		admin.call('/api/v1/admin/settings', { method: 'PATCH', json: { registrationMode: mode } });
	const tryRegister = (email = uniqueEmail('reg')) =>
		i.call('/api/v1/auth/register', {
			json: { email, password: PASSWORD, displayName: 'New' }
		});

	afterAll(async () => {
		await setMode(null);
	});

	it('starts from the env default, and invite_only admits people only through room invites', async () => {
		const initial = await admin.call('/api/v1/admin/settings');
		expect(initial.body.registration).toEqual({ mode: 'open', source: 'env' });
		expect((await setMode('bogus')).status).toBe(400);

		const res = await setMode('invite_only');
		expect(res.status).toBe(200);
		expect(res.body.registration).toEqual({ mode: 'invite_only', source: 'setting' });
		const refused = await tryRegister();
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('REGISTRATION_CLOSED');
		expect(refused.body.error.message).toMatch(/invite/i);
		const form = await i.call('/register', {
			method: 'POST',
			body: new URLSearchParams({
				email: uniqueEmail('form'),
				password: PASSWORD,
				displayName: 'Form'
			}).toString(),
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: i.url
			}
		});
		expect(form.status).toBe(403);

		// A room invite still lets a visitor in as a guest, and the guest may claim the account.
		const { token } = await roomWithInvite(admin, 'Invite only');
		const guest = await joinAsGuest(i, token, 'Ivy');
		expect(guest.status).toBe(200);
		const claim = await i.call('/api/v1/account/claim', {
			cookie: guest.cookie,
			json: { email: uniqueEmail('claim'), password: PASSWORD }
		});
		expect(claim.status).toBe(200);
		expect(claim.body.user.isGuest).toBe(false);
	});

	it('closed admits nobody new: no sign-up, no new guests, no claims', async () => {
		const { token } = await roomWithInvite(admin, 'Closed');
		const earlyGuest = await joinAsGuest(i, token, 'Early');
		expect((await setMode('closed')).status).toBe(200);
		expect((await tryRegister()).status).toBe(403);
		const guest = await joinAsGuest(i, token, 'Late');
		expect(guest.status).toBe(403);
		expect(guest.body.error.code).toBe('REGISTRATION_CLOSED');
		const claim = await i.call('/api/v1/account/claim', {
			cookie: earlyGuest.cookie,
			json: { email: uniqueEmail('claim'), password: PASSWORD }
		});
		expect(claim.status).toBe(403);
		// Existing accounts still sign in.
		expect((await login(i, admin.email)).status).toBe(200);

		expect((await setMode(null)).body.registration).toEqual({ mode: 'open', source: 'env' });
		expect((await tryRegister()).status).toBe(201);
		const entries = await audit('settings.registration');
		expect(entries.slice(0, 3).map((e) => e.details.to)).toEqual([null, 'closed', 'invite_only']);
		expect(entries[0]).toMatchObject({ actorId: admin.id, targetType: 'instance' });
	});
});

describe('abandoned guests', () => {
	const DAY = 24 * 3600 * 1000;
	async function guest(name: string, ageDays: number) {
		const { token } = await roomWithInvite(admin, `Guests ${name}`);
		const res = await joinAsGuest(i, token, name);
		expect(res.status).toBe(200);
		const id = res.body.user.id as string;
		if (ageDays > 0) {
			const then = new Date(Date.now() - ageDays * DAY);
			await i.db.user.update({ where: { id }, data: { createdAt: then } });
			await i.db.session.updateMany({ where: { userId: id }, data: { lastSeenAt: then } });
		}
		return id;
	}

	it('on demand: deletes guests unused for GUEST_RETENTION_DAYS, keeps the others; audited', async () => {
		const old = await guest('Old', 40);
		const fresh = await guest('Fresh', 0);
		const recentlySeen = await guest('Back', 40);
		await i.db.session.updateMany({
			where: { userId: recentlySeen },
			data: { lastSeenAt: new Date() }
		});
		const res = await admin.call('/api/v1/admin/guests/cleanup', { method: 'POST' });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ deleted: 1, olderThanDays: 30 });
		expect(await i.db.user.findUnique({ where: { id: old } })).toBeNull();
		expect(await i.db.user.findUnique({ where: { id: fresh } })).not.toBeNull();
		expect(await i.db.user.findUnique({ where: { id: recentlySeen } })).not.toBeNull();
		const [entry] = await audit('guests.cleanup');
		expect(entry).toMatchObject({ actorId: admin.id, details: { deleted: 1, olderThanDays: 30 } });

		expect(
			(await admin.call('/api/v1/admin/guests/cleanup', { json: { olderThanDays: 0 } })).status
		).toBe(400);
	});

	it('periodically in the web server (first run shortly after start)', async () => {
		const old = await guest('Forgotten', 400);
		const web = await i.startAnother({
			GUEST_RETENTION_DAYS: '365',
			GUEST_CLEANUP_INTERVAL_MINUTES: '60'
		});
		expect(web.url).toBeTruthy();
		const deadline = Date.now() + 20_000;
		while (Date.now() < deadline && (await i.db.user.findUnique({ where: { id: old } })))
			await new Promise((r) => setTimeout(r, 250));
		expect(await i.db.user.findUnique({ where: { id: old } })).toBeNull();
		const [entry] = await audit('guests.cleanup');
		expect(entry).toMatchObject({
			actorId: null,
			actorName: expect.stringMatching(/scheduled/),
			details: { deleted: 1, olderThanDays: 365 }
		});
	});
});

describe('audit log', () => {
	it('is listed newest first, filterable, and shown on the admin page', async () => {
		const res = await admin.call('/api/v1/admin/audit');
		expect(res.status).toBe(200);
		expect(res.body.total).toBeGreaterThan(5);
		const times = res.body.entries.map((e: { createdAt: string }) => e.createdAt);
		expect([...times].sort().reverse()).toEqual(times);
		const takedowns = await admin.call('/api/v1/admin/audit?action=track.takedown');
		expect(
			takedowns.body.entries.every((e: { action: string }) => e.action === 'track.takedown')
		).toBe(true);
		expect((await admin.call('/api/v1/admin/audit?action=nope')).status).toBe(400);
		const page = await admin.call('/admin/audit', { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		expect(page.body).toContain('DMCA notice #42');
		expect(existsSync(join(i.dataDir, 'blobs'))).toBe(true);
	});
});
