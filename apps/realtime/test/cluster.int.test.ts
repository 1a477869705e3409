// Two realtime nodes through Redis under concurrent load: what the clients end up believing must
// be exactly what PostgreSQL says, on both nodes, with retries applied once and permissions held.
import { createSessionService, type SessionService } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import type { QueueItem, QueueVoted } from '@chorus/protocol';
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
	nextEvent,
	ok,
	request,
	RoomView,
	startNode,
	type ClientSocket,
	type Node
} from './harness.ts';

const redisUrl = inject('redisUrl');
const CLIENTS = 50;
const OPS_PER_CLIENT = 6;

let db: Db;
let nodeDbs: Db[] = [];
let a: Node;
let b: Node;
const sockets: ClientSocket[] = [];

/** Deterministic randomness (the seed is printed so a failure can be replayed). */
function prng(seed: number) {
	let t = seed >>> 0;
	return () => {
		t = (t + 0x6d2b79f5) >>> 0;
		let r = Math.imul(t ^ (t >>> 15), 1 | t);
		r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
		return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
	};
}

beforeAll(async () => {
	if (!redisUrl) return;
	db = createDb(inject('databaseUrl'), { poolSize: 4 });
	// Each node has its own pool, as separate processes would.
	nodeDbs = [
		createDb(inject('databaseUrl'), { poolSize: 8 }),
		createDb(inject('databaseUrl'), { poolSize: 8 })
	];
	const limits = { eventLimits: { points: 100_000 } };
	a = await startNode(nodeDbs[0]!, createSessionService(nodeDbs[0]!), { redisUrl, ...limits });
	b = await startNode(nodeDbs[1]!, createSessionService(nodeDbs[1]!), { redisUrl, ...limits });
});
afterAll(async () => {
	for (const s of sockets.splice(0)) s.disconnect();
	await Promise.all([a?.stop(), b?.stop()]);
	await Promise.all([db, ...nodeDbs].map((d) => d?.$disconnect()));
});

const sessions = (): SessionService => createSessionService(db);

async function connect(node: Node, token: string): Promise<ClientSocket> {
	const s = client(node.url, { token });
	sockets.push(s);
	await connected(s);
	return s;
}

async function roomVersion(roomId: string): Promise<number> {
	return Number((await db.room.findUniqueOrThrow({ where: { id: roomId } })).version);
}

/** The waiting queue as PostgreSQL has it: id -> score, up, down, and each user's votes. */
async function dbQueue(roomId: string) {
	const items = await db.queueItem.findMany({
		where: { roomId, status: 'queued' },
		select: {
			id: true,
			trackId: true,
			score: true,
			votes: { select: { userId: true, value: true } }
		}
	});
	return new Map(
		items.map((i) => [
			i.id,
			{
				trackId: i.trackId,
				score: i.score,
				up: i.votes.filter((v) => v.value === 1).length,
				down: i.votes.filter((v) => v.value === -1).length,
				votes: new Map(i.votes.map((v) => [v.userId, v.value]))
			}
		])
	);
}

/** What a client should show for an item, from the database (its own vote included). */
const expectedItem = (q: Awaited<ReturnType<typeof dbQueue>>, userId: string, item: QueueItem) => {
	const row = q.get(item.id);
	return (
		row && { score: row.score, up: row.up, down: row.down, myVote: row.votes.get(userId) ?? 0 }
	);
};

describe.skipIf(!redisUrl)('two nodes, fifty members', () => {
	it('concurrent adds and votes converge to what the database says, on every client', async () => {
		const seed = Number(process.env.CLUSTER_SEED ?? Date.now() % 1e9);
		console.info(`cluster seed ${seed}`);

		const users = await Promise.all(
			Array.from({ length: CLIENTS }, (_, i) => createUserWithSession(db, sessions(), `U${i}`))
		);
		const room = await createRoom(db, users[0]!.user.id);
		await Promise.all(users.slice(1).map((u) => addMember(db, room.id, u.user.id)));
		const tracks = await Promise.all(
			Array.from({ length: 80 }, () => createTrack(db, users[0]!.user.id))
		);
		const clients = await Promise.all(
			users.map(async (u, i) => {
				const socket = await connect(i % 2 ? b : a, u.token);
				const view = new RoomView(socket, room.id);
				await view.join();
				return { user: u.user, socket, view, node: i % 2 ? 'b' : 'a' };
			})
		);

		const ackedAdds: string[] = [];
		/** userId -> itemId -> last acked vote value (each client sends its votes one by one). */
		const ackedVotes = new Map<string, Map<string, number>>();
		const failures: string[] = [];
		await Promise.all(
			clients.map(async (c, ci) => {
				const r = prng(seed + ci);
				for (let op = 0; op < OPS_PER_CLIENT; op++) {
					const known = c.view.queue;
					if (known.length === 0 || r() < 0.35) {
						const track = tracks[Math.floor(r() * tracks.length)]!;
						const res = await request(c.socket, 'queue:add', {
							roomId: room.id,
							trackId: track.id,
							mutationId: mutationId()
						});
						if (res.ok) ackedAdds.push(res.data.item.id);
						else if (res.error.code !== 'CONFLICT') failures.push(`add: ${res.error.code}`);
					} else {
						const item = known[Math.floor(r() * known.length)]!;
						const value = ([1, -1, 0] as const)[Math.floor(r() * 3)]!;
						const res = await request(c.socket, 'vote:cast', {
							roomId: room.id,
							itemId: item.id,
							value,
							mutationId: mutationId()
						});
						if (res.ok) {
							expect(res.data.item.myVote).toBe(value);
							const mine = ackedVotes.get(c.user.id) ?? new Map<string, number>();
							mine.set(item.id, value);
							ackedVotes.set(c.user.id, mine);
						} else failures.push(`vote: ${res.error.code}`);
					}
				}
			})
		);
		expect(failures).toEqual([]);
		expect(ackedAdds.length).toBeGreaterThan(10);

		// Quiescent: every client reaches the database's version (following the version rules).
		const finalVersion = await roomVersion(room.id);
		await eventually(
			async () => {
				await Promise.all(clients.map((c) => c.view.settled()));
				return clients.every((c) => c.view.version === finalVersion);
			},
			`every client is at version ${finalVersion}`,
			20_000
		);

		const q = await dbQueue(room.id);
		// Nothing lost, nothing duplicated: every acked add is queued exactly once.
		expect(new Set(ackedAdds).size).toBe(ackedAdds.length);
		for (const id of ackedAdds) expect(q.has(id)).toBe(true);
		expect(q.size).toBe(ackedAdds.length);
		const trackIds = [...q.values()].map((i) => i.trackId);
		expect(new Set(trackIds).size).toBe(trackIds.length);
		// Every acked vote is the one in the database, and scores are the sum of the votes.
		for (const [userId, votes] of ackedVotes) {
			for (const [itemId, value] of votes) {
				expect(q.get(itemId)!.votes.get(userId) ?? 0, `${userId} on ${itemId}`).toBe(value);
			}
		}
		for (const row of q.values()) expect(row.score).toBe(row.up - row.down);

		// Each client's state equals a fresh snapshot (its own votes included) and the database.
		for (const c of clients) {
			const snap = ok(await request(c.socket, 'room:sync', { roomId: room.id }));
			expect(snap.version).toBe(finalVersion);
			expect(c.view.queue, `client ${c.user.displayName} on node ${c.node}`).toEqual(snap.queue);
			for (const item of c.view.queue) {
				expect({ score: item.score, up: item.up, down: item.down, myVote: item.myVote }).toEqual(
					expectedItem(q, c.user.id, item)
				);
			}
		}
		expect(new Set(clients[0]!.view.queue.map((i) => i.id))).toEqual(new Set(q.keys()));
	}, 120_000); // 300 mutations serialised on one room row: slow on a loaded 2-core machine

	it('a retried mutation id applies once, concurrently or later, through either node', async () => {
		const host = await createUserWithSession(db, sessions(), 'Host');
		const room = await createRoom(db, host.user.id);
		const track = await createTrack(db, host.user.id);
		// The same user on both nodes (two devices).
		const { token: token2 } = await sessions().create(host.user.id);
		const onA = await connect(a, host.token);
		const onB = await connect(b, token2);
		await Promise.all([onA, onB].map((s) => request(s, 'room:join', { roomId: room.id })));

		const add = { roomId: room.id, trackId: track.id, mutationId: mutationId() };
		const [first, second] = await Promise.all([
			request(onA, 'queue:add', add),
			request(onB, 'queue:add', add)
		]);
		expect(first.ok).toBe(true);
		expect(second).toEqual(first);
		const later = await request(onB, 'queue:add', add);
		expect(later).toEqual(first);
		expect(await db.queueItem.count({ where: { roomId: room.id } })).toBe(1);
		expect(await roomVersion(room.id)).toBe(1);

		const itemId = ok(first).item.id;
		const vote = { roomId: room.id, itemId, value: 1 as const, mutationId: mutationId() };
		const votes = await Promise.all([
			request(onA, 'vote:cast', vote),
			request(onB, 'vote:cast', vote),
			request(onA, 'vote:cast', vote)
		]);
		expect(votes[0]!.ok).toBe(true);
		expect(votes[1]).toEqual(votes[0]);
		expect(votes[2]).toEqual(votes[0]);
		expect(await request(onB, 'vote:cast', vote)).toEqual(votes[0]);
		expect(await roomVersion(room.id)).toBe(2);
		expect(await db.queueVote.count({ where: { itemId } })).toBe(1);
	});

	it('non-members and listeners without the permission get FORBIDDEN and change nothing', async () => {
		const host = await createUserWithSession(db, sessions(), 'Host');
		const listener = await createUserWithSession(db, sessions(), 'Listener');
		const stranger = await createUserWithSession(db, sessions(), 'Stranger');
		const room = await createRoom(db, host.user.id);
		await addMember(db, room.id, listener.user.id);
		const [t1, t2] = await Promise.all([
			createTrack(db, host.user.id),
			createTrack(db, host.user.id)
		]);
		const h = await connect(a, host.token);
		const l = await connect(b, listener.token);
		const s = await connect(a, stranger.token);
		ok(await request(h, 'room:join', { roomId: room.id }));
		const { item } = ok(
			await request(h, 'queue:add', { roomId: room.id, trackId: t1.id, mutationId: mutationId() })
		);
		ok(
			await request(h, 'room:update', {
				roomId: room.id,
				mutationId: mutationId(),
				settings: { addPolicy: 'hosts' }
			})
		);
		const before = await roomVersion(room.id);
		const queueBefore = await dbQueue(room.id);
		const m = () => ({ roomId: room.id, mutationId: mutationId() });

		const attempts: [ClientSocket, string, Promise<{ ok: boolean; error?: { code: string } }>][] =
			[];
		const attempt = (who: ClientSocket, label: string, p: Promise<unknown>) =>
			attempts.push([who, label, p as Promise<{ ok: boolean; error?: { code: string } }>]);
		for (const [who, label] of [
			[s, 'stranger'],
			[l, 'listener']
		] as const) {
			attempt(who, `${label} add`, request(who, 'queue:add', { ...m(), trackId: t2.id }));
			attempt(who, `${label} remove`, request(who, 'queue:remove', { ...m(), itemId: item.id }));
			attempt(
				who,
				`${label} move`,
				request(who, 'queue:move', { ...m(), itemId: item.id, toIndex: 0 })
			);
			attempt(
				who,
				`${label} pin`,
				request(who, 'queue:pin', { ...m(), itemId: item.id, pinned: true })
			);
			attempt(who, `${label} play`, request(who, 'playback:play', { ...m(), basedOnVersion: 0 }));
			attempt(who, `${label} kick`, request(who, 'member:kick', { ...m(), userId: host.user.id }));
			attempt(who, `${label} settings`, request(who, 'room:update', { ...m(), name: 'Mine now' }));
		}
		attempt(s, 'stranger vote', request(s, 'vote:cast', { ...m(), itemId: item.id, value: 1 }));
		attempt(s, 'stranger chat', request(s, 'chat:send', { ...m(), body: 'hi' }));
		attempt(s, 'stranger join', request(s, 'room:join', { roomId: room.id }));
		for (const [, label, p] of attempts) {
			const res = await p;
			expect(res.ok === false && res.error?.code, label).toBe('FORBIDDEN');
		}
		expect(await roomVersion(room.id)).toBe(before);
		expect(await dbQueue(room.id)).toEqual(queueBefore);
		expect(await db.room.findUniqueOrThrow({ where: { id: room.id } })).toMatchObject({
			name: 'Test room',
			currentItemId: null
		});
	});

	it('a vote sends its tally to every member on both nodes, and the voter their own vote', async () => {
		const host = await createUserWithSession(db, sessions(), 'Host');
		const voter = await createUserWithSession(db, sessions(), 'Voter');
		const other = await createUserWithSession(db, sessions(), 'Other');
		const room = await createRoom(db, host.user.id);
		await addMember(db, room.id, voter.user.id);
		await addMember(db, room.id, other.user.id);
		const track = await createTrack(db, host.user.id);
		const { token: voterOnB } = await sessions().create(voter.user.id);
		const voterA = await connect(a, voter.token);
		const voterB = await connect(b, voterOnB);
		const otherA = await connect(a, other.token);
		const otherB = await connect(b, (await sessions().create(other.user.id)).token);
		const hostB = await connect(b, host.token);
		const all = [voterA, voterB, otherA, otherB, hostB];
		await Promise.all(all.map((s) => request(s, 'room:join', { roomId: room.id })));
		const addSeen = all.map((s) => nextEvent(s, 'queue:updated', () => true, 10_000));
		const { item } = ok(
			await request(hostB, 'queue:add', {
				roomId: room.id,
				trackId: track.id,
				mutationId: mutationId()
			})
		);
		await Promise.all(addSeen);

		// No one gets the whole queue for a vote.
		let queueUpdates = 0;
		for (const s of all) s.on('queue:updated', () => queueUpdates++);
		const seen = (v: number) =>
			all.map((s) => nextEvent(s, 'queue:voted', (e) => e.version === v, 10_000));
		const check = async (events: Promise<QueueVoted>[], voterVote: number, score: number) => {
			const got = await Promise.all(events);
			// Only the voter's own sockets (on both nodes) learn their vote.
			expect(got.map((e) => e.myVote)).toEqual([
				voterVote,
				voterVote,
				undefined,
				undefined,
				undefined
			]);
			for (const e of got) {
				expect(e).toMatchObject({ roomId: room.id, itemId: item.id, score });
				expect(e.order).toBeUndefined(); // one item: the order cannot change
			}
		};
		let v = await roomVersion(room.id);
		// Votes through node A, then node B, then a change of mind, then an unvote.
		for (const [via, value] of [
			[voterA, 1],
			[voterB, -1],
			[voterA, 1],
			[voterB, 0]
		] as const) {
			const events = seen(++v);
			ok(
				await request(via, 'vote:cast', {
					roomId: room.id,
					itemId: item.id,
					value,
					mutationId: mutationId()
				})
			);
			await check(events, value, value);
		}
		// The other member votes: their sockets get their vote, the voter's none.
		const events = seen(v + 1);
		ok(
			await request(otherB, 'vote:cast', {
				roomId: room.id,
				itemId: item.id,
				value: -1,
				mutationId: mutationId()
			})
		);
		const got = await Promise.all(events);
		expect(got.map((e) => e.myVote)).toEqual([undefined, undefined, -1, -1, undefined]);
		expect(got.map((e) => [e.score, e.up, e.down])).toEqual(Array(5).fill([-1, 0, 1]));
		expect(queueUpdates).toBe(0);
	});

	it('a vote that reorders the queue sends the new order, and clients end in snapshot order', async () => {
		const host = await createUserWithSession(db, sessions(), 'Host');
		const guest = await createUserWithSession(db, sessions(), 'Guest');
		const room = await createRoom(db, host.user.id);
		await addMember(db, room.id, guest.user.id);
		const tracks = await Promise.all([1, 2, 3].map(() => createTrack(db, host.user.id)));
		const h = await connect(a, host.token);
		const g = await connect(b, guest.token);
		const view = new RoomView(g, room.id);
		await request(h, 'room:join', { roomId: room.id });
		await view.join();
		// Room paused so nothing starts playing: all three stay in the waiting queue.
		ok(
			await request(h, 'playback:pause', {
				roomId: room.id,
				mutationId: mutationId(),
				basedOnVersion: view.version
			})
		);
		const ids: string[] = [];
		for (const t of tracks) {
			const res = ok(
				await request(h, 'queue:add', { roomId: room.id, trackId: t.id, mutationId: mutationId() })
			);
			ids.push(res.item.id);
		}
		const order = nextEvent(g, 'queue:voted', (e) => e.itemId === ids[2], 10_000);
		ok(
			await request(h, 'vote:cast', {
				roomId: room.id,
				itemId: ids[2]!,
				value: 1,
				mutationId: mutationId()
			})
		);
		expect((await order).order).toEqual([ids[2], ids[0], ids[1]]);
		// A tie-preserving vote (down on the last) moves nothing: no order is sent.
		const still = nextEvent(g, 'queue:voted', (e) => e.itemId === ids[1], 10_000);
		ok(
			await request(h, 'vote:cast', {
				roomId: room.id,
				itemId: ids[1]!,
				value: -1,
				mutationId: mutationId()
			})
		);
		expect((await still).order).toBeUndefined();
		const finalVersion = await roomVersion(room.id);
		await eventually(() => view.version === finalVersion, 'the guest caught up');
		const snap = ok(await request(g, 'room:sync', { roomId: room.id }));
		expect(view.queue).toEqual(snap.queue);
	});

	it("a kick on node A takes the target's sockets on node B out of the room", async () => {
		const host = await createUserWithSession(db, sessions(), 'Host');
		const target = await createUserWithSession(db, sessions(), 'Target');
		const witness = await createUserWithSession(db, sessions(), 'Witness');
		const room = await createRoom(db, host.user.id);
		await addMember(db, room.id, target.user.id);
		await addMember(db, room.id, witness.user.id);
		const track = await createTrack(db, host.user.id);
		const h = await connect(a, host.token);
		const targetB1 = await connect(b, target.token);
		const targetB2 = await connect(b, (await sessions().create(target.user.id)).token);
		const w = await connect(b, witness.token);
		await Promise.all(
			[h, targetB1, targetB2, w].map((s) => request(s, 'room:join', { roomId: room.id }))
		);
		const views = [targetB1, targetB2].map((s) => new RoomView(s, room.id));

		const removed = [targetB1, targetB2].map((s) =>
			nextEvent(s, 'room:removed', () => true, 10_000)
		);
		ok(
			await request(h, 'member:kick', {
				roomId: room.id,
				userId: target.user.id,
				mutationId: mutationId()
			})
		);
		for (const r of removed) expect(await r).toEqual({ roomId: room.id, reason: 'kicked' });
		const receivedAtKick = views.map((v) => v.received);

		// Later broadcasts reach the witness on node B, not the kicked sockets.
		const witnessSees = nextEvent(w, 'queue:updated', () => true, 10_000);
		const witnessChat = nextEvent(w, 'chat:message', () => true, 10_000);
		ok(
			await request(h, 'queue:add', {
				roomId: room.id,
				trackId: track.id,
				mutationId: mutationId()
			})
		);
		ok(await request(h, 'chat:send', { roomId: room.id, body: 'bye', mutationId: mutationId() }));
		await witnessSees;
		await witnessChat;
		// The chat message was sent after the queue change; the witness got both, so any
		// delivery to the kicked sockets would have arrived by now too.
		expect(views.map((v) => v.received)).toEqual(receivedAtKick);
		for (const s of [targetB1, targetB2]) {
			const res = await request(s, 'room:sync', { roomId: room.id });
			expect(res.ok === false && res.error.code).toBe('FORBIDDEN');
		}
	});
});
