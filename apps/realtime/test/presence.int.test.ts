// Presence is live state across nodes: who is here, and whether they listen on their device.
import { describe, expect, it } from 'vitest';
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
	mutationId,
	nextEvent,
	ok,
	request,
	twoNodesThroughRedis,
	type Node
} from './harness.ts';

const { db, sessions, redisUrl, nodes } = twoNodesThroughRedis();

describe.skipIf(!redisUrl)('presence across two nodes', () => {
	it('shows members on the other node, their status, and their leaving', async () => {
		const [a, b] = nodes as [Node, Node];
		const host = await createUserWithSession(db, sessions, 'Host');
		const guests = await Promise.all(
			[0, 1, 2].map((i) => createUserWithSession(db, sessions, `G${i}`))
		);
		const room = await createRoom(db, host.user.id);
		for (const g of guests) await addMember(db, room.id, g.user.id);

		const onA = client(a.url, { token: host.token });
		await connected(onA);
		ok(await request(onA, 'room:join', { roomId: room.id }));

		// Guests join on node B; the host on A hears each of them arrive.
		const onB = [];
		for (const g of guests) {
			const s = client(b.url, { token: g.token });
			await connected(s);
			const arrived = nextEvent(onA, 'presence:updated', (e) => e.userId === g.user.id);
			ok(await request(s, 'room:join', { roomId: room.id }));
			expect(await arrived).toMatchObject({ displayName: g.user.displayName, presence: 'joined' });
			onB.push(s);
		}
		const listening = nextEvent(
			onA,
			'presence:updated',
			(e) => e.userId === guests[0]!.user.id && e.presence === 'listening'
		);
		ok(await request(onB[0]!, 'presence:set', { roomId: room.id, status: 'listening' }));
		await listening;

		const snap = ok(await request(onA, 'room:sync', { roomId: room.id }));
		const presence = Object.fromEntries(snap.members.map((m) => [m.displayName, m.presence]));
		expect(presence).toEqual({ Host: 'joined', G0: 'listening', G1: 'joined', G2: 'joined' });

		// Four present at 50%: two votes to skip; once two guests left, one is enough.
		const track = await createTrack(db, host.user.id);
		ok(
			await request(onA, 'queue:add', {
				roomId: room.id,
				trackId: track.id,
				mutationId: mutationId()
			})
		);
		const played = ok(
			await request(onA, 'playback:play', {
				roomId: room.id,
				mutationId: mutationId(),
				basedOnVersion: await roomVersion(db, room.id)
			})
		);
		expect(played.playback.skipNeeded).toBe(2);

		const gone = nextEvent(onA, 'presence:updated', (e) => e.userId === guests[2]!.user.id);
		onB[2]!.disconnect();
		expect((await gone).presence).toBeNull();
		onB[1]!.disconnect();
		const vote = ok(
			await request(onB[0]!, 'skip:vote', {
				roomId: room.id,
				itemId: played.playback.itemId!,
				mutationId: mutationId()
			})
		);
		expect(vote).toEqual({ skipped: true, votes: 1, needed: 1 });
		onA.disconnect();
		onB[0]!.disconnect();
	});
});
