// A room nobody listens to stops playing its queue away: after a grace period it pauses,
// position kept, once, across nodes; anyone listening on any node keeps it going.
import { timelinePosition } from '@chorus/protocol';
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
	eventually,
	mutationId,
	ok,
	openDb,
	request,
	startNode,
	type ClientSocket,
	type Node
} from './harness.ts';

const GRACE_MS = 600;
const redisUrl = inject('redisUrl');
const { db, sessions } = openDb(inject('databaseUrl'));
const nodes: Node[] = [];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
	if (!redisUrl) return;
	for (let i = 0; i < 2; i++)
		nodes.push(await startNode(db, sessions, { redisUrl, idlePauseMs: GRACE_MS }));
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await Promise.all(nodes.map((n) => n.stop()));
	await db.$disconnect();
});

async function member(nodeUrl: string, token: string, roomId: string, listening = true) {
	const s = client(nodeUrl, { token });
	sockets.push(s);
	await connected(s);
	const snap = ok(await request(s, 'room:join', { roomId }));
	if (listening) ok(await request(s, 'presence:set', { roomId, status: 'listening' }));
	return { socket: s, snap };
}

/** A room playing a long track, its host joined on node A. */
async function playingRoom() {
	const host = await createUserWithSession(db, sessions, 'Host');
	const room = await createRoom(db, host.user.id);
	const { socket, snap } = await member(nodes[0]!.url, host.token, room.id);
	const track = await createTrack(db, host.user.id);
	ok(
		await request(socket, 'queue:add', {
			roomId: room.id,
			trackId: track.id,
			mutationId: mutationId()
		})
	);
	const row = await db.room.findUniqueOrThrow({ where: { id: room.id } });
	if (row.playbackPaused) {
		ok(
			await request(socket, 'playback:play', {
				roomId: room.id,
				mutationId: mutationId(),
				basedOnVersion: Number(row.version)
			})
		);
	}
	expect(snap.room.id).toBe(room.id);
	expect((await roomRow(room.id)).playbackPaused).toBe(false);
	return { host, room, socket };
}

const roomRow = (id: string) => db.room.findUniqueOrThrow({ where: { id } });

describe.skipIf(!redisUrl)('rooms nobody listens to', () => {
	it('pause after the grace period with the position kept, once, and play again on demand', async () => {
		const { host, room, socket } = await playingRoom();
		socket.disconnect();
		const gone = Date.now();
		await eventually(
			async () => (await roomRow(room.id)).playbackPaused,
			'the room pauses',
			10_000
		);
		const paused = await roomRow(room.id);
		expect(Date.now() - gone).toBeGreaterThanOrEqual(GRACE_MS);
		// Position kept: where the timeline was when it paused, not back at the start.
		expect(paused.playbackPositionMs).toBeGreaterThan(GRACE_MS / 2);
		const versionAtPause = Number(paused.version);
		// Once across both nodes: nothing more happens to the paused room.
		await new Promise((r) => setTimeout(r, GRACE_MS * 2));
		expect(Number((await roomRow(room.id)).version)).toBe(versionAtPause);

		// Someone comes back (on the other node): the snapshot says paused; play resumes there.
		const back = await member(nodes[1]!.url, host.token, room.id, false);
		expect(back.snap.playback.paused).toBe(true);
		expect(back.snap.playback.positionMs).toBe(paused.playbackPositionMs);
		const resumed = ok(
			await request(back.socket, 'playback:play', {
				roomId: room.id,
				mutationId: mutationId(),
				basedOnVersion: back.snap.version
			})
		);
		expect(resumed.playback.paused).toBe(false);
		expect(timelinePosition(resumed.playback, resumed.playback.anchorMs)).toBe(
			paused.playbackPositionMs
		);
	});

	it('pause when those still connected only follow the room (nobody plays its audio)', async () => {
		const { room, socket } = await playingRoom();
		const guest = await createUserWithSession(db, sessions, 'Remote');
		await addMember(db, room.id, guest.user.id);
		await member(nodes[1]!.url, guest.token, room.id, false);
		ok(await request(socket, 'presence:set', { roomId: room.id, status: 'joined' }));
		await eventually(
			async () => (await roomRow(room.id)).playbackPaused,
			'the room pauses',
			10_000
		);
	});

	it('keep playing while anyone listens, on either node', async () => {
		const { room, socket } = await playingRoom();
		const guest = await createUserWithSession(db, sessions, 'Guest');
		await addMember(db, room.id, guest.user.id);
		await member(nodes[1]!.url, guest.token, room.id);
		socket.disconnect();
		await new Promise((r) => setTimeout(r, GRACE_MS * 3));
		expect((await roomRow(room.id)).playbackPaused).toBe(false);
	});
});
