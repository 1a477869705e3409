import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import type { Ack, RoomSnapshot } from '@chorus/protocol';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	addMember,
	createRoom,
	createTrack,
	createUserWithSession,
	roomVersion
} from '../../../tests/helpers.ts';
import {
	client,
	connected,
	nextEvent,
	openDb,
	startNode,
	type ClientSocket,
	type Node
} from './harness.ts';

let db: Db;
let sessions: SessionService;
let node: Node;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	node = await startNode(db, sessions);
});
afterEach(() => {
	for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
	await node.stop();
	await db.$disconnect();
});

const mid = () => randomUUID();

async function member(roomId: string | null, role: 'host' | 'cohost' | 'listener' = 'listener') {
	const { user, token } = await createUserWithSession(db, sessions, `M-${role}`);
	if (roomId && role !== 'host') await addMember(db, roomId, user.id, role);
	const socket = client(node.url, { token });
	sockets.push(socket);
	await connected(socket);
	return { user, socket };
}

async function roomWithHost() {
	const host = await member(null, 'host');
	const room = await createRoom(db, host.user.id);
	return { room, host };
}

function ok<R extends Ack<unknown>>(res: R): Extract<R, { ok: true }>['data'] {
	if (!res.ok) throw new Error(`expected ok, got ${JSON.stringify(res.error)}`);
	return res.data as Extract<R, { ok: true }>['data'];
}

const join = async (s: ClientSocket, roomId: string) =>
	ok(await s.timeout(5_000).emitWithAck('room:join', { roomId })) as RoomSnapshot;

describe('room:join', () => {
	it('acks a snapshot for members and FORBIDDEN for others', async () => {
		const { room, host } = await roomWithHost();
		const snap = await join(host.socket, room.id);
		expect(snap).toMatchObject({
			room: { id: room.id, name: 'Test room', hostId: host.user.id },
			me: { userId: host.user.id, role: 'host' },
			queue: [],
			playback: { itemId: null, paused: true },
			version: 0
		});
		expect(snap.members).toEqual([
			expect.objectContaining({ userId: host.user.id, role: 'host', presence: 'joined' })
		]);
		expect(typeof snap.serverTime).toBe('number');

		const stranger = await member(null);
		for (const roomId of [room.id, randomUUID()]) {
			const res = await stranger.socket.timeout(5_000).emitWithAck('room:join', { roomId });
			expect(res).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
		}
		const bad = await stranger.socket
			.timeout(5_000)
			.emitWithAck('room:join', { roomId: 'x' } as never);
		expect(bad.ok === false && bad.error.code).toBe('VALIDATION');
	});
});

describe('queue and votes', () => {
	it('adds (queue:updated, the same for all), then votes (queue:voted: tally, own vote to the voter)', async () => {
		const { room, host } = await roomWithHost();
		const guest = await member(room.id);
		const track = await createTrack(db, host.user.id);
		await join(host.socket, room.id);
		await join(guest.socket, room.id);

		const hostSees = nextEvent(host.socket, 'queue:updated', (e) => e.queue.length === 1);
		const added = ok(
			await guest.socket
				.timeout(5_000)
				.emitWithAck('queue:add', { roomId: room.id, trackId: track.id, mutationId: mid() })
		);
		expect(added.item).toMatchObject({
			trackId: track.id,
			addedBy: guest.user.id,
			score: 0,
			myVote: 0
		});
		const update = await hostSees;
		expect(update.version).toBe(1);
		expect(update.queue[0]).toMatchObject({ id: added.item.id, score: 0 });
		expect(update.queue[0]).not.toHaveProperty('myVote');

		const guestVote = nextEvent(guest.socket, 'queue:voted', (e) => e.version === 2);
		const hostVote = nextEvent(host.socket, 'queue:voted', (e) => e.version === 2);
		const mutationId = mid();
		const vote = { roomId: room.id, itemId: added.item.id, value: 1 as const, mutationId };
		const first = ok(await guest.socket.timeout(5_000).emitWithAck('vote:cast', vote));
		expect(first.item).toMatchObject({ score: 1, up: 1, myVote: 1 });
		expect(await guestVote).toEqual({
			roomId: room.id,
			version: 2,
			itemId: added.item.id,
			score: 1,
			up: 1,
			down: 0,
			myVote: 1
		});
		expect(await hostVote).toEqual({
			roomId: room.id,
			version: 2,
			itemId: added.item.id,
			score: 1,
			up: 1,
			down: 0
		});

		// A retry with the same mutation id is applied once and answers the same.
		const retry = ok(await guest.socket.timeout(5_000).emitWithAck('vote:cast', vote));
		expect(retry).toEqual(first);
		const after = await join(host.socket, room.id);
		expect(after.version).toBe(2);
		expect(after.queue[0]).toMatchObject({ score: 1, up: 1 });
	});

	it('orders pinned first, then score, then time added', async () => {
		const { room, host } = await roomWithHost();
		const listener = await member(room.id);
		await join(host.socket, room.id);
		const tracks = await Promise.all([1, 2, 3].map(() => createTrack(db, host.user.id)));
		const ids: string[] = [];
		for (const t of tracks) {
			const { item } = ok(
				await host.socket
					.timeout(5_000)
					.emitWithAck('queue:add', { roomId: room.id, trackId: t.id, mutationId: mid() })
			);
			ids.push(item.id);
		}
		ok(
			await listener.socket
				.timeout(5_000)
				.emitWithAck('vote:cast', { roomId: room.id, itemId: ids[2]!, value: 1, mutationId: mid() })
		);
		expect((await join(host.socket, room.id)).queue.map((i) => i.id)).toEqual([
			ids[2],
			ids[0],
			ids[1]
		]);
		// Listeners cannot reorder; the host pins the last one to the top.
		const denied = await listener.socket.timeout(5_000).emitWithAck('queue:move', {
			roomId: room.id,
			itemId: ids[1]!,
			toIndex: 0,
			mutationId: mid()
		});
		expect(denied.ok === false && denied.error.code).toBe('FORBIDDEN');
		ok(
			await host.socket.timeout(5_000).emitWithAck('queue:move', {
				roomId: room.id,
				itemId: ids[1]!,
				toIndex: 0,
				mutationId: mid()
			})
		);
		const snap = await join(host.socket, room.id);
		expect(snap.queue.map((i) => i.id)).toEqual([ids[1], ids[2], ids[0]]);
		expect(snap.queue[0]!.pinned).toBe(true);
	});

	it('rejects duplicates, the pending limit, and private tracks of others', async () => {
		const { room, host } = await roomWithHost();
		await db.room.update({ where: { id: room.id }, data: { maxPendingPerMember: 1 } });
		const listener = await member(room.id);
		const [a, b] = await Promise.all([
			createTrack(db, host.user.id),
			createTrack(db, host.user.id)
		]);
		const secret = await createTrack(db, host.user.id, { visibility: 'private' });
		const add = (s: ClientSocket, trackId: string) =>
			s.timeout(5_000).emitWithAck('queue:add', { roomId: room.id, trackId, mutationId: mid() });
		expect((await add(listener.socket, a.id)).ok).toBe(true);
		const dup = await add(host.socket, a.id);
		expect(dup.ok === false && dup.error.code).toBe('CONFLICT');
		const limit = await add(listener.socket, b.id);
		expect(limit.ok === false && limit.error.code).toBe('CONFLICT');
		const hidden = await add(listener.socket, secret.id);
		expect(hidden.ok === false && hidden.error.code).toBe('NOT_FOUND');
		// Host and co-hosts are not limited; the owner may add their private track.
		expect((await add(host.socket, secret.id)).ok).toBe(true);
		const count = await db.queueItem.count({ where: { roomId: room.id, status: 'queued' } });
		expect(count).toBe(2);
		expect((await db.room.findUniqueOrThrow({ where: { id: room.id } })).version).toBe(2n);
	});
});

describe('moderation', () => {
	it('kick removes membership and the socket leaves the room at once', async () => {
		const { room, host } = await roomWithHost();
		const victim = await member(room.id);
		await join(host.socket, room.id);
		await join(victim.socket, room.id);
		const removed = nextEvent(victim.socket, 'room:removed');
		ok(
			await host.socket
				.timeout(5_000)
				.emitWithAck('member:kick', { roomId: room.id, userId: victim.user.id, mutationId: mid() })
		);
		expect(await removed).toEqual({ roomId: room.id, reason: 'kicked' });
		const again = await victim.socket.timeout(5_000).emitWithAck('room:join', { roomId: room.id });
		expect(again.ok === false && again.error.code).toBe('FORBIDDEN');
		// Listeners cannot kick the host.
		const other = await member(room.id);
		const denied = await other.socket
			.timeout(5_000)
			.emitWithAck('member:kick', { roomId: room.id, userId: host.user.id, mutationId: mid() });
		expect(denied.ok === false && denied.error.code).toBe('FORBIDDEN');
	});

	it('when the host leaves, a present member becomes host', async () => {
		const { room, host } = await roomWithHost();
		const absentCohost = await createUserWithSession(db, sessions);
		await addMember(db, room.id, absentCohost.user.id, 'cohost');
		const present = await member(room.id);
		await join(host.socket, room.id);
		await join(present.socket, room.id);
		const updated = nextEvent(present.socket, 'room:updated');
		ok(
			await host.socket
				.timeout(5_000)
				.emitWithAck('room:leave', { roomId: room.id, mutationId: mid() })
		);
		expect((await updated).room.hostId).toBe(present.user.id);
		const snap = await join(present.socket, room.id);
		expect(snap.me.role).toBe('host');
	});
});

describe('chat and playback', () => {
	it('chat messages reach everyone; muted members are refused', async () => {
		const { room, host } = await roomWithHost();
		const listener = await member(room.id);
		await join(host.socket, room.id);
		await join(listener.socket, room.id);
		const got = nextEvent(host.socket, 'chat:message');
		const sent = ok(
			await listener.socket
				.timeout(5_000)
				.emitWithAck('chat:send', { roomId: room.id, body: ' hello 👋 ', mutationId: mid() })
		);
		expect(sent.message.body).toBe('hello 👋');
		expect((await got).message).toEqual(sent.message);
		ok(
			await host.socket.timeout(5_000).emitWithAck('chat:mute', {
				roomId: room.id,
				userId: listener.user.id,
				durationSec: 60,
				mutationId: mid()
			})
		);
		const muted = await listener.socket
			.timeout(5_000)
			.emitWithAck('chat:send', { roomId: room.id, body: 'x', mutationId: mid() });
		expect(muted.ok === false && muted.error.code).toBe('FORBIDDEN');
	});

	it('play takes the first item; the adder can skip their own track', async () => {
		const { room, host } = await roomWithHost();
		const listener = await member(room.id);
		await join(host.socket, room.id);
		await join(listener.socket, room.id);
		const [a, b] = await Promise.all([
			createTrack(db, host.user.id),
			createTrack(db, host.user.id)
		]);
		const added = [];
		for (const t of [a, b]) {
			added.push(
				ok(
					await listener.socket
						.timeout(5_000)
						.emitWithAck('queue:add', { roomId: room.id, trackId: t.id, mutationId: mid() })
				).item
			);
		}
		const denied = await listener.socket
			.timeout(5_000)
			.emitWithAck('playback:play', { roomId: room.id, mutationId: mid(), basedOnVersion: 0 });
		expect(denied.ok === false && denied.error.code).toBe('FORBIDDEN');
		const state = nextEvent(listener.socket, 'playback:state');
		const played = ok(
			await host.socket.timeout(5_000).emitWithAck('playback:play', {
				roomId: room.id,
				mutationId: mid(),
				basedOnVersion: await roomVersion(db, room.id)
			})
		);
		expect(played.playback).toMatchObject({ itemId: added[0]!.id, paused: false });
		expect((await state).playback.itemId).toBe(added[0]!.id);
		const skip = ok(
			await listener.socket
				.timeout(5_000)
				.emitWithAck('skip:vote', { roomId: room.id, itemId: added[0]!.id, mutationId: mid() })
		);
		expect(skip.skipped).toBe(true);
		const snap = await join(host.socket, room.id);
		expect(snap.playback.itemId).toBe(added[1]!.id);
		expect(snap.queue).toEqual([]);
	});
});

// Guests (invite-link accounts) add what the room surfaced; the library only when the host
// allows it (guestsAddFromLibrary). The web app hides the search; this is the server's check.
describe('queue:add by guests', () => {
	async function roomWithGuest() {
		const { room, host } = await roomWithHost();
		const guest = await member(room.id);
		await db.user.update({
			where: { id: guest.user.id },
			data: { isGuest: true, email: null, passwordHash: null }
		});
		const library = await createTrack(db, host.user.id, { visibility: 'public' });
		const surfaced = await createTrack(db, host.user.id, { visibility: 'public' });
		await join(host.socket, room.id);
		return { room, host, guest, library, surfaced, snap: await join(guest.socket, room.id) };
	}

	const add = (s: ClientSocket, roomId: string, trackId: string) =>
		s.timeout(5_000).emitWithAck('queue:add', { roomId, trackId, mutationId: mid() });

	it('refuses a library track the room never had, and allows one from its history', async () => {
		const { room, host, guest, library, surfaced, snap } = await roomWithGuest();
		expect(snap.me).toMatchObject({ isGuest: true });
		expect(snap.me.permissions).toContain('queue:add');
		expect(snap.me.permissions).not.toContain('queue:add-library');

		expect(await add(guest.socket, room.id, library.id)).toMatchObject({
			ok: false,
			error: { code: 'FORBIDDEN' }
		});
		expect(await db.queueItem.count({ where: { roomId: room.id } })).toBe(0);

		// The host queues a track and takes it out again: it is in the room's history now.
		const { item } = ok(await add(host.socket, room.id, surfaced.id));
		ok(
			await host.socket
				.timeout(5_000)
				.emitWithAck('queue:remove', { roomId: room.id, itemId: item.id, mutationId: mid() })
		);
		const again = ok(await add(guest.socket, room.id, surfaced.id));
		expect(again.item).toMatchObject({ trackId: surfaced.id, addedBy: guest.user.id });
	});

	it('allows library tracks once the host turns guestsAddFromLibrary on', async () => {
		const { room, host, guest, library } = await roomWithGuest();
		const updated = nextEvent(guest.socket, 'room:updated');
		ok(
			await host.socket.timeout(5_000).emitWithAck('room:update', {
				roomId: room.id,
				mutationId: mid(),
				settings: { guestsAddFromLibrary: true }
			})
		);
		expect((await updated).room.settings.guestsAddFromLibrary).toBe(true);
		const snap = await join(guest.socket, room.id);
		expect(snap.me.permissions).toContain('queue:add-library');
		ok(await add(guest.socket, room.id, library.id));
	});
});
