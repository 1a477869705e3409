import { DEFAULT_ROOM_SETTINGS } from '@chorus/protocol';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { api } from './api-client.ts';
import {
	accept,
	as,
	createInvite,
	createRoom,
	person,
	roomWithListener,
	type Person
} from './rooms-client.ts';
import { signUp, testDb, type Client } from './tracks-client.ts';

describe('POST /api/v1/rooms', () => {
	it('creates a room with default settings and makes the creator its host', async () => {
		const host = await person('Hosty');
		const res = await api(
			'/api/v1/rooms',
			as(host, { json: { name: '  Late night  ', description: ' chill ' } })
		);
		expect(res.status).toBe(201);
		expect(res.headers.get('location')).toBe(`/api/v1/rooms/${res.body.room.id}`);
		expect(res.body).toEqual({
			room: {
				id: expect.any(String),
				name: 'Late night',
				description: 'chill',
				hostId: host.user.id,
				settings: DEFAULT_ROOM_SETTINGS,
				createdAt: expect.any(String)
			}
		});
		const member = await testDb().roomMember.findUnique({
			where: { roomId_userId: { roomId: res.body.room.id, userId: host.user.id } }
		});
		expect(member?.role).toBe('host');
	});

	it('merges partial settings over the defaults', async () => {
		const host = await person();
		const room = await createRoom(host, {
			name: 'Democracy',
			settings: { addPolicy: 'hosts', skipThresholdPercent: 75 }
		});
		expect(room.settings).toEqual({
			...DEFAULT_ROOM_SETTINGS,
			addPolicy: 'hosts',
			skipThresholdPercent: 75
		});
		expect(room.description).toBe('');
	});

	it.each([
		['an empty name', { name: '   ' }, /name/i],
		['a long name', { name: 'x'.repeat(81) }, /name/i],
		['a control character in the name', { name: 'a\u202Eb' }, /name/i],
		['a long description', { name: 'ok', description: 'x'.repeat(501) }, /description/i],
		['a bad setting', { name: 'ok', settings: { skipThresholdPercent: 0 } }, /skipThreshold/],
		['an unknown setting', { name: 'ok', settings: { volume: 11 } }, /volume|unrecognized/i],
		['an unknown field', { name: 'ok', hostId: randomUUID() }, /hostId|unrecognized/i]
	])('400 for %s', async (_what, json, message) => {
		const host = await person();
		const res = await api('/api/v1/rooms', as(host, { json }));
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('VALIDATION');
		expect(res.body.error.message).toMatch(message);
	});

	it('401 without a session, 403 for a cross-site request', async () => {
		const anon = await api('/api/v1/rooms', { json: { name: 'x' } });
		expect(anon.status).toBe(401);
		expect(anon.body.error.code).toBe('UNAUTHENTICATED');

		const host = await person();
		const evil = await api(
			'/api/v1/rooms',
			as(host, { json: { name: 'x' }, headers: { origin: 'https://evil.example' } })
		);
		expect(evil.status).toBe(403);
		expect(evil.body.error.code).toBe('FORBIDDEN');
		const other = await api(
			'/api/v1/rooms',
			as(host, { json: { name: 'x' }, headers: { 'sec-fetch-site': 'cross-site' } })
		);
		expect(other.status).toBe(403);
	});
});

describe('GET /api/v1/rooms', () => {
	it('lists the open rooms I am in, with my role, member count and what is playing', async () => {
		const { host, listener, room } = await roomWithListener();
		const quiet = await createRoom(host, { name: 'Quiet room' });

		const mine = await api('/api/v1/rooms', as(host));
		expect(mine.status).toBe(200);
		expect(mine.body.rooms).toEqual([
			{ room: quiet, role: 'host', memberCount: 1, nowPlaying: null },
			{ room, role: 'host', memberCount: 2, nowPlaying: null }
		]);
		const theirs = await api('/api/v1/rooms', as(listener));
		expect(theirs.body.rooms).toEqual([
			{ room, role: 'listener', memberCount: 2, nowPlaying: null }
		]);

		// A closed room drops out.
		const db = testDb();
		await db.room.update({ where: { id: quiet.id }, data: { closedAt: new Date() } });
		const after = await api('/api/v1/rooms', as(host));
		expect(after.body.rooms.map((r: { room: { id: string } }) => r.room.id)).toEqual([room.id]);
	});

	it('is empty for someone in no room, 401 without a session', async () => {
		const loner = await person();
		expect((await api('/api/v1/rooms', as(loner))).body).toEqual({ rooms: [] });
		expect((await api('/api/v1/rooms')).status).toBe(401);
	});
});

describe('GET /api/v1/rooms/:id', () => {
	it('gives members the room, their role and permissions', async () => {
		const { host, listener, room } = await roomWithListener();
		const h = await api(`/api/v1/rooms/${room.id}`, as(host));
		expect(h.status).toBe(200);
		expect(h.body).toEqual({
			room,
			role: 'host',
			permissions: expect.arrayContaining(['invite', 'settings', 'moderate']),
			memberCount: 2
		});
		const l = await api(`/api/v1/rooms/${room.id}`, as(listener));
		expect(l.body.role).toBe('listener');
		expect(l.body.permissions).not.toContain('invite');
		expect(l.body.permissions).toContain('chat');
	});

	it('answers the same 404 for non-members, unknown, malformed and closed rooms', async () => {
		const { host, room } = await roomWithListener();
		const stranger = await person();
		const notMember = await api(`/api/v1/rooms/${room.id}`, as(stranger));
		const unknown = await api(`/api/v1/rooms/${randomUUID()}`, as(stranger));
		const malformed = await api('/api/v1/rooms/not-a-uuid', as(stranger));
		for (const res of [notMember, unknown, malformed]) {
			expect(res.status).toBe(404);
			expect(res.body).toEqual(notMember.body);
		}
		expect(notMember.body.error.code).toBe('NOT_FOUND');
		await testDb().room.update({ where: { id: room.id }, data: { closedAt: new Date() } });
		expect((await api(`/api/v1/rooms/${room.id}`, as(host))).status).toBe(404);
	});
});

describe('room queue track access', () => {
	let dir: string;
	let owner: Client;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'chorus-rooms-'));
		owner = await signUp();
	});
	afterAll(() => rm(dir, { recursive: true, force: true }));

	it("lets members stream a private track that is or was in the room's queue, nobody else", async () => {
		const file = await makeAudio(dir, 'mp3', { seconds: 1, title: 'Shared secret' });
		const up = await owner.upload(file);
		expect(up.status).toBe(201);
		const track = (await up.json()) as { id: string; visibility: string };
		expect(track.visibility).toBe('private');

		// The owner hosts a room (the owner's cookie comes from tracks-client's sign-up).
		const host: Person = {
			cookie: owner.cookie,
			email: '',
			user: {
				id: owner.userId,
				displayName: 'Uploader',
				email: null,
				isGuest: false,
				emailVerified: false,
				avatarUrl: null,
				twoFactorEnabled: false
			}
		};
		const room = await createRoom(host, { name: 'Listening party' });
		const member = await person('Member');
		const outsider = await person('Outsider');
		const invite = await createInvite(host, room.id);
		expect((await accept(invite.token, member)).status).toBe(200);

		const stream = (p: Person) =>
			api(`/api/v1/tracks/${track.id}/stream`, as(p, { headers: { range: 'bytes=0-99' } }));
		// Membership alone is not enough: the track is not in this room's queue yet.
		expect((await stream(member)).status).toBe(404);

		// Already played counts too ("is or was in the queue").
		await testDb().queueItem.create({
			data: { roomId: room.id, trackId: track.id, addedBy: owner.userId, status: 'played' }
		});
		const ok = await stream(member);
		expect([200, 206]).toContain(ok.status);
		expect((await api(`/api/v1/tracks/${track.id}`, as(member))).status).toBe(200);

		// The rooms list shows what is playing.
		const playing = await testDb().queueItem.create({
			data: { roomId: room.id, trackId: track.id, addedBy: owner.userId, status: 'playing' }
		});
		await testDb().room.update({ where: { id: room.id }, data: { currentItemId: playing.id } });
		const list = await api('/api/v1/rooms', as(member));
		expect(list.body.rooms[0]).toMatchObject({
			room: { id: room.id },
			nowPlaying: { title: 'Shared secret', artist: expect.any(String) }
		});

		const denied = await stream(outsider);
		expect(denied.status).toBe(404);
		expect(denied.body.error.code).toBe('NOT_FOUND');

		// Leaving the room (membership gone) takes the access away again.
		await testDb().roomMember.delete({
			where: { roomId_userId: { roomId: room.id, userId: member.user.id } }
		});
		expect((await stream(member)).status).toBe(404);
	});
});

describe('OpenAPI', () => {
	it('documents every rooms, invites and claim route', async () => {
		const res = await api('/api/v1/openapi.json');
		expect(res.status).toBe(200);
		const paths = res.body.paths as Record<string, Record<string, unknown>>;
		const expected: [string, string][] = [
			['/api/v1/rooms', 'get'],
			['/api/v1/rooms', 'post'],
			['/api/v1/rooms/{id}', 'get'],
			['/api/v1/rooms/{id}/invites', 'get'],
			['/api/v1/rooms/{id}/invites', 'post'],
			['/api/v1/rooms/{id}/invites/{inviteId}', 'delete'],
			['/api/v1/invites/{token}', 'get'],
			['/api/v1/invites/{token}/accept', 'post'],
			['/api/v1/account/claim', 'post']
		];
		for (const [path, method] of expected) expect(paths[path]?.[method], path).toBeTruthy();
		const create = paths['/api/v1/rooms']!.post as any;
		expect(create.requestBody.content['application/json'].schema.properties).toHaveProperty(
			'settings'
		);
	});
});
