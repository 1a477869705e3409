// Playback commands carry the timeline they were based on: a command the room has moved past
// (another member acted first, the track changed, or it sat in a client's offline buffer) is
// refused as STALE, never replayed over newer state.
import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
	addMember,
	createRoom,
	createTrack,
	createUserWithSession
} from '../../../tests/helpers.ts';
import {
	client,
	connected,
	mutationId,
	nextEvent,
	ok,
	openDb,
	request,
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
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await node.stop();
	await db.$disconnect();
});

/** A playing room with a host and a co-host, both joined; returns the version after play. */
async function playingRoom() {
	const host = await createUserWithSession(db, sessions, 'Host');
	const cohost = await createUserWithSession(db, sessions, 'Cohost');
	const room = await createRoom(db, host.user.id);
	await addMember(db, room.id, cohost.user.id, 'cohost');
	const [h, c] = await Promise.all(
		[host, cohost].map(async (u) => {
			const s = client(node.url, { token: u.token });
			sockets.push(s);
			await connected(s);
			return s;
		})
	);
	const snap = ok(await request(h!, 'room:join', { roomId: room.id }));
	ok(await request(c!, 'room:join', { roomId: room.id }));
	for (const t of await Promise.all([1, 2].map(() => createTrack(db, host.user.id)))) {
		ok(
			await request(h!, 'queue:add', { roomId: room.id, trackId: t.id, mutationId: mutationId() })
		);
	}
	const played = ok(
		await request(h!, 'playback:play', {
			roomId: room.id,
			mutationId: mutationId(),
			basedOnVersion: snap.version + 2
		})
	);
	return { room, h: h!, c: c!, version: played.version };
}

const seek = (s: ClientSocket, roomId: string, basedOnVersion: number, positionMs: number) =>
	request(s, 'playback:seek', { roomId, mutationId: mutationId(), basedOnVersion, positionMs });

describe('stale playback commands', () => {
	it('a command based on a timeline someone else changed is refused as STALE', async () => {
		const { room, h, c, version } = await playingRoom();
		// Both saw `version`; the co-host seeks first.
		const first = ok(await seek(c, room.id, version, 30_000));
		expect(first.version).toBe(version + 1);
		const late = await seek(h, room.id, version, 90_000);
		expect(late.ok === false && late.error.code).toBe('STALE');
		for (const event of ['playback:pause', 'playback:skip', 'playback:previous'] as const) {
			const res = await request(h, event, {
				roomId: room.id,
				mutationId: mutationId(),
				basedOnVersion: version
			});
			expect(res.ok === false && res.error.code, event).toBe('STALE');
		}
		// Nothing of it applied: the co-host's seek stands.
		const row = await db.room.findUniqueOrThrow({ where: { id: room.id } });
		expect(row.playbackPositionMs).toBe(30_000);
		expect(Number(row.timelineVersion)).toBe(version + 1);
		// Based on what it has now seen, the host's command goes through.
		ok(await seek(h, room.id, first.version, 90_000));
	});

	it('changes that are not the timeline (chat, votes, queue) do not make playback commands stale', async () => {
		const { room, h, c, version } = await playingRoom();
		ok(await request(c, 'chat:send', { roomId: room.id, body: 'hi', mutationId: mutationId() }));
		ok(await seek(h, room.id, version, 10_000));
	});

	it('a track change by the server (the track ended) makes older commands stale', async () => {
		const { room, h, version } = await playingRoom();
		const advanced = nextEvent(h, 'playback:state', (e) => e.version > version, 10_000);
		// Let the current track end now: the ticker advances the room.
		await db.room.update({
			where: { id: room.id },
			data: { playbackAnchorMs: Date.now() - 10 * 60_000 }
		});
		await advanced;
		const res = await seek(h, room.id, version, 5_000);
		expect(res.ok === false && res.error.code).toBe('STALE');
	});

	it('seeks buffered by socket.io-client while offline are flushed on reconnect: only the first applies', async () => {
		const { room, h, version } = await playingRoom();
		// The connection drops; meanwhile the user drags the seek bar three times. socket.io-client
		// buffers emits while disconnected and sends them all once it is connected again.
		h.disconnect();
		const answers = [20_000, 40_000, 60_000].map((p) => seek(h, room.id, version, p));
		h.connect();
		const results = await Promise.all(answers);
		// The server handles the flushed packets concurrently: whichever takes the row lock first
		// applies, the other two were based on the timeline it replaced.
		const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
		expect(codes.toSorted()).toEqual(['STALE', 'STALE', 'ok']);
		const applied = [20_000, 40_000, 60_000][codes.indexOf('ok')];
		const row = await db.room.findUniqueOrThrow({ where: { id: room.id } });
		expect(row.playbackPositionMs).toBe(applied);
	});
});
