// The room timeline moves on by itself when a track ends: exactly once, whichever node notices,
// with nobody connected to the node that started playback.
import type { PlaybackStateEvent } from '@chorus/protocol';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
	addMember,
	createRoom,
	createTrack,
	createUserWithSession,
	roomVersion
} from '../../../tests/helpers.ts';
import { client, connected, nextEvent, twoNodesThroughRedis, type Node } from './harness.ts';

const { db, sessions, redisUrl, nodes } = twoNodesThroughRedis();

describe.skipIf(!redisUrl)('track end on two nodes', () => {
	it('advances exactly once, seen by clients on both nodes', async () => {
		const [a, b] = nodes as [Node, Node];
		const host = await createUserWithSession(db, sessions, 'Host');
		const listener = await createUserWithSession(db, sessions, 'Listener');
		const room = await createRoom(db, host.user.id);
		await addMember(db, room.id, listener.user.id);
		const tracks = await Promise.all(
			[0, 1].map(() => createTrack(db, host.user.id, { durationMs: 1_000 }))
		);

		const hostSocket = client(a.url, { token: host.token });
		await connected(hostSocket);
		await hostSocket.timeout(5_000).emitWithAck('room:join', { roomId: room.id });
		const items: string[] = [];
		for (const t of tracks) {
			const res = await hostSocket
				.timeout(5_000)
				.emitWithAck('queue:add', { roomId: room.id, trackId: t.id, mutationId: randomUUID() });
			if (!res.ok) throw new Error(res.error.message);
			items.push(res.data.item.id);
		}
		const played = await hostSocket.timeout(5_000).emitWithAck('playback:play', {
			roomId: room.id,
			mutationId: randomUUID(),
			basedOnVersion: await roomVersion(db, room.id)
		});
		if (!played.ok) throw new Error(played.error.message);
		const startVersion = Number(
			(await db.room.findUniqueOrThrow({ where: { id: room.id } })).version
		);
		// Node A (which started playback) has no client from here on.
		hostSocket.disconnect();

		const onB = client(b.url, { token: listener.token });
		await connected(onB);
		const states: PlaybackStateEvent[] = [];
		onB.on('playback:state', (e) => states.push(e));
		await onB.timeout(5_000).emitWithAck('room:join', { roomId: room.id });

		// Both tracks end; the room goes idle, waiting for more.
		await nextEvent(onB, 'playback:state', (e) => e.playback.itemId === null, 10_000);
		await new Promise((r) => setTimeout(r, 1_000)); // would catch a late duplicate advance

		expect(states.map((s) => [s.version, s.playback.itemId])).toEqual([
			[startVersion + 1, items[1]],
			[startVersion + 2, null]
		]);
		// Gapless: the second track starts exactly where the first one ends.
		const first = played.data.playback;
		expect(states[0]!.playback.anchorMs).toBeCloseTo(first.anchorMs + 1_000, 3);
		expect(states[1]!.playback.paused).toBe(false);

		const rows = await db.queueItem.findMany({
			where: { roomId: room.id },
			orderBy: { addedAt: 'asc' }
		});
		expect(rows.map((r) => r.status)).toEqual(['played', 'played']);
		const finalRoom = await db.room.findUniqueOrThrow({ where: { id: room.id } });
		expect(Number(finalRoom.version)).toBe(startVersion + 2);

		// A client on node A sees the same state; adding a track starts the idle room again.
		const onA = client(a.url, { token: host.token });
		await connected(onA);
		const snap = await onA.timeout(5_000).emitWithAck('room:join', { roomId: room.id });
		expect(snap.ok && snap.data.playback).toMatchObject({ itemId: null, paused: false });
		const third = await createTrack(db, host.user.id, { durationMs: 60_000 });
		const restarted = nextEvent(onB, 'playback:state', (e) => e.playback.itemId !== null);
		const added = await onA
			.timeout(5_000)
			.emitWithAck('queue:add', { roomId: room.id, trackId: third.id, mutationId: randomUUID() });
		expect(added.ok).toBe(true);
		expect((await restarted).playback).toMatchObject({ trackId: third.id, paused: false });
		onA.disconnect();
		onB.disconnect();
	});
});
