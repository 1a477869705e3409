// Faults: a realtime node dies mid-session (SIGKILL of a real process), and Redis restarts under
// two nodes. Acked mutations must survive, nodes must not crash, clients must converge again.
import { createSessionService } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import type { Ack } from '@chorus/protocol';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../scripts/lib/postgres.ts';
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
	request,
	RoomView,
	startChildNode,
	startNode,
	type ChildNode,
	type ClientSocket,
	type Node
} from './harness.ts';

const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

let db: Db;
const sockets: ClientSocket[] = [];
const stops: (() => Promise<unknown>)[] = [];

beforeAll(() => {
	db = createDb(databaseUrl, { poolSize: 4 });
});
afterAll(async () => {
	for (const s of sockets.splice(0)) s.disconnect();
	for (const stop of stops.reverse()) await stop().catch(() => {});
	await db.$disconnect();
});
const sessions = () => createSessionService(db);

type Outcome<T> = { kind: 'ok'; data: T } | { kind: 'refused'; code: string } | { kind: 'lost' };

/**
 * A member as a browser would be, with the test playing the load balancer: when its node goes
 * away it connects to `fallback` and joins again. Records what was acked and what was lost
 * (sent, but the answer never came: it may or may not have been applied).
 */
class Member {
	socket!: ClientSocket;
	view!: RoomView;
	reconnects = 0;
	reconnectError: Error | null = null;
	#reconnecting: Promise<void> | null = null;

	constructor(
		readonly userId: string,
		readonly token: string,
		readonly roomId: string,
		public fallback: string | null = null
	) {}

	async connect(url: string): Promise<void> {
		const socket = client(url, { token: this.token });
		sockets.push(socket);
		await connected(socket);
		this.socket = socket;
		if (this.view) this.view.attach(socket);
		else this.view = new RoomView(socket, this.roomId);
		socket.on('disconnect', (reason) => {
			// Our own disconnect (test teardown) is not a failure to recover from.
			if (reason === 'io client disconnect' || !this.fallback || this.socket !== socket) return;
			this.reconnect().catch((err: Error) => (this.reconnectError = err));
		});
		await this.view.join();
	}

	reconnect(): Promise<void> {
		this.#reconnecting ??= (async () => {
			this.reconnects++;
			await this.connect(this.fallback!);
		})().finally(() => (this.#reconnecting = null));
		return this.#reconnecting;
	}

	/** Sends on the current socket; a disconnect before the ack counts as lost. */
	async send<T>(send: (s: ClientSocket) => Promise<Ack<T>>): Promise<Outcome<T>> {
		await this.#reconnecting;
		const socket = this.socket;
		if (!socket.connected) return { kind: 'lost' };
		const gone = new Promise<'gone'>((r) => socket.once('disconnect', () => r('gone')));
		const res = await Promise.race([send(socket).catch(() => 'gone' as const), gone]);
		if (res === 'gone') return { kind: 'lost' };
		return res.ok ? { kind: 'ok', data: res.data } : { kind: 'refused', code: res.error.code };
	}
}

/** Bookkeeping of a run of random adds and votes. */
class Ledger {
	ackedAdds = new Set<string>();
	/** Track ids of adds whose answer was lost: they may be in the queue. */
	lostAddTracks = new Set<string>();
	/** `${userId}/${itemId}` -> last acked value, or null when a later vote's answer was lost. */
	votes = new Map<string, number | null>();
	refused: string[] = [];
}

async function mutateFor(
	members: Member[],
	tracks: { id: string }[],
	ledger: Ledger,
	untilMs: number,
	pick = Math.random
): Promise<void> {
	await Promise.all(
		members.map(async (m) => {
			while (Date.now() < untilMs) {
				const queue = m.view.queue;
				if (queue.length === 0 || pick() < 0.4) {
					const track = tracks[Math.floor(pick() * tracks.length)]!;
					const res = await m.send((s) =>
						request(s, 'queue:add', {
							roomId: m.roomId,
							trackId: track.id,
							mutationId: mutationId()
						})
					);
					if (res.kind === 'ok') ledger.ackedAdds.add(res.data.item.id);
					else if (res.kind === 'lost') ledger.lostAddTracks.add(track.id);
					else if (res.code !== 'CONFLICT') ledger.refused.push(`add ${res.code}`);
				} else {
					const item = queue[Math.floor(pick() * queue.length)]!;
					const value = ([1, -1, 0] as const)[Math.floor(pick() * 3)]!;
					const key = `${m.userId}/${item.id}`;
					const res = await m.send((s) =>
						request(s, 'vote:cast', {
							roomId: m.roomId,
							itemId: item.id,
							value,
							mutationId: mutationId()
						})
					);
					if (res.kind === 'ok') ledger.votes.set(key, value);
					else if (res.kind === 'lost') ledger.votes.set(key, null);
					// NOT_FOUND: the item left the queue meanwhile (nothing here removes items).
					else ledger.refused.push(`vote ${res.code}`);
				}
				if (m.reconnects === 0) await new Promise((r) => setTimeout(r, 5));
			}
		})
	);
}

/**
 * Every acked mutation is in PostgreSQL, and every member's view equals a fresh snapshot. The
 * members get there on their own, through what the nodes send them (nothing here asks for a
 * sync): a broadcast lost to the fault must be made up for by the nodes.
 */
async function expectConsistent(roomId: string, members: Member[], ledger: Ledger) {
	expect(ledger.refused).toEqual([]);
	const version = Number((await db.room.findUniqueOrThrow({ where: { id: roomId } })).version);
	await eventually(
		async () => {
			await Promise.all(members.map((m) => m.view.settled()));
			return members.every((m) => m.view.version === version);
		},
		`every member is at version ${version}`,
		20_000
	);
	const items = await db.queueItem.findMany({
		where: { roomId, status: 'queued' },
		select: { id: true, trackId: true, votes: { select: { userId: true, value: true } } }
	});
	const ids = new Set(items.map((i) => i.id));
	for (const id of ledger.ackedAdds) expect(ids.has(id), `acked add ${id}`).toBe(true);
	for (const i of items) {
		if (!ledger.ackedAdds.has(i.id)) expect(ledger.lostAddTracks.has(i.trackId)).toBe(true);
	}
	const dbVotes = new Map(
		items.flatMap((i) => i.votes.map((v): [string, number] => [`${v.userId}/${i.id}`, v.value]))
	);
	for (const [key, value] of ledger.votes) {
		if (value !== null) expect(dbVotes.get(key) ?? 0, `acked vote ${key}`).toBe(value);
	}
	for (const m of members) {
		const snap = ok(await request(m.socket, 'room:sync', { roomId }));
		expect(snap.version).toBe(version);
		expect(m.view.queue).toEqual(snap.queue);
	}
	expect(members[0]!.view.queue.map((i) => i.id).sort()).toEqual([...ids].sort());
}

async function setup(memberCount: number) {
	const users = await Promise.all(
		Array.from({ length: memberCount }, (_, i) => createUserWithSession(db, sessions(), `F${i}`))
	);
	const room = await createRoom(db, users[0]!.user.id);
	await Promise.all(users.slice(1).map((u) => addMember(db, room.id, u.user.id)));
	const tracks = await Promise.all(
		Array.from({ length: 40 }, () => createTrack(db, users[0]!.user.id))
	);
	return { users, room, tracks };
}

describe.skipIf(!redisUrl)('a realtime node dies', () => {
	let survivor: Node;
	let doomed: ChildNode;
	beforeAll(async () => {
		const nodeDb = createDb(databaseUrl, { poolSize: 8 });
		survivor = await startNode(nodeDb, createSessionService(nodeDb), {
			redisUrl: redisUrl!,
			eventLimits: { points: 100_000 }
		});
		stops.push(
			() => nodeDb.$disconnect(),
			() => survivor.stop()
		);
		doomed = await startChildNode({
			DATABASE_URL: databaseUrl,
			REDIS_URL: redisUrl!,
			EVENT_POINTS: 100_000
		});
		stops.push(() => doomed.stop());
	});

	it('SIGKILL mid-session: its clients move to the other node and every acked mutation stays', async () => {
		const { users, room, tracks } = await setup(12);
		const members = users.map((u) => new Member(u.user.id, u.token, room.id, survivor.url));
		await Promise.all(members.map((m, i) => m.connect(i % 2 ? doomed.url : survivor.url)));
		const ledger = new Ledger();
		const start = Date.now();
		const load = mutateFor(members, tracks, ledger, start + 3_000);
		await new Promise((r) => setTimeout(r, 1_000));
		const exited = new Promise((r) => doomed.child.once('exit', r));
		doomed.child.kill('SIGKILL');
		await exited;
		await load;

		// Everyone who was on the dead node is now on the survivor, and kept mutating there.
		const moved = members.filter((_, i) => i % 2);
		expect(moved.map((m) => [m.reconnects, m.socket.connected])).toEqual(
			moved.map(() => [1, true])
		);
		expect(members.map((m) => m.reconnectError)).toEqual(members.map(() => null));
		expect(members.filter((_, i) => !(i % 2)).map((m) => m.reconnects)).toEqual([0, 0, 0, 0, 0, 0]);
		expect(ledger.ackedAdds.size).toBeGreaterThan(5);
		// What the dead node may have left behind: a change it committed and never broadcast.
		// Nothing else happens in the room from here on; the survivor's beacon must tell its members.
		await db.$executeRaw`UPDATE rooms SET version = version + 1 WHERE id = ${room.id}::uuid`;
		await expectConsistent(room.id, members, ledger);
	});
});

/** A private redis-server on a free port (never the machine's shared one). */
async function startRedis(port: number): Promise<ChildProcess> {
	const child = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	let out = '';
	await new Promise<void>((resolve, reject) => {
		child.stdout!.on('data', (d) => {
			out += d;
			if (/Ready to accept connections/i.test(out)) resolve();
		});
		child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
		setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000).unref();
	});
	return child;
}

function kill(child: ChildProcess): Promise<void> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) return resolve();
		child.once('exit', () => resolve());
		child.kill('SIGKILL');
	});
}

describe.skipIf(!hasRedisServer)('Redis restarts under two nodes', () => {
	it('acks keep coming from PostgreSQL; after the restart every member catches up with no new mutation', async () => {
		const port = await freePort();
		const url = `redis://127.0.0.1:${port}`;
		let redis = await startRedis(port);
		stops.push(() => kill(redis));
		const errors: unknown[] = [];
		const onError = (err: unknown) => errors.push(err);
		process.on('unhandledRejection', onError);
		process.on('uncaughtException', onError);
		stops.push(async () => {
			process.off('unhandledRejection', onError);
			process.off('uncaughtException', onError);
		});
		const dbs = [createDb(databaseUrl, { poolSize: 6 }), createDb(databaseUrl, { poolSize: 6 })];
		const [a, b] = await Promise.all(
			dbs.map((d) =>
				startNode(d, createSessionService(d), {
					redisUrl: url,
					eventLimits: { points: 100_000 },
					// Only the reconnect may heal here: the periodic beacon is the node-death test's.
					versionBeaconMs: 10 * 60_000
				})
			)
		);
		stops.push(
			() => Promise.all(dbs.map((d) => d.$disconnect())),
			() => a!.stop(),
			() => b!.stop()
		);

		const { users, room, tracks } = await setup(6);
		const members = users.map((u) => new Member(u.user.id, u.token, room.id));
		await Promise.all(members.map((m, i) => m.connect(i % 2 ? b!.url : a!.url)));
		const onA = members.filter((_, i) => !(i % 2));
		const onB = members.filter((_, i) => i % 2);
		const ledger = new Ledger();

		// Cross-node delivery works before the outage.
		const first = ok(
			await request(onA[0]!.socket, 'queue:add', {
				roomId: room.id,
				trackId: tracks[0]!.id,
				mutationId: mutationId()
			})
		);
		ledger.ackedAdds.add(first.item.id);
		await eventually(() => onB.every((m) => m.view.queue.length === 1), 'node B sees the add');

		await kill(redis);
		// State lives in PostgreSQL: mutations through both nodes are still applied and acked,
		// though neither node's broadcasts reach the other's members.
		await mutateFor(members, tracks, ledger, Date.now() + 1_500);
		const duringOutage = ledger.ackedAdds.size;
		expect(duringOutage).toBeGreaterThan(1);
		expect(ledger.votes.size + duringOutage).toBeGreaterThan(5);
		expect(a!.app.httpServer.listening && b!.app.httpServer.listening).toBe(true);
		const health = await fetch(`${a!.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
		expect(health.status).toBe(503); // honest about Redis being down
		// Members are behind the database now (each missed the other node's mutations).
		const behind = Number((await db.room.findUniqueOrThrow({ where: { id: room.id } })).version);
		expect(members.filter((m) => m.view.version < behind).length).toBeGreaterThan(0);

		// ioredis queues publishes while Redis is down and may replay them, or lose them when a
		// subscriber resubscribes after the replay. Make one loss certain: a committed change
		// whose broadcast never went out at all.
		await db.$executeRaw`UPDATE rooms SET version = version + 1 WHERE id = ${room.id}::uuid`;

		redis = await startRedis(port);
		await eventually(
			async () => (await fetch(`${a!.url}/healthz`)).ok && (await fetch(`${b!.url}/healthz`)).ok,
			'both nodes are healthy again'
		);
		// No new mutation: the nodes alone must bring every member to the database's version.
		await expectConsistent(room.id, members, ledger);
		expect(members.every((m) => m.socket.connected)).toBe(true);
		expect(errors).toEqual([]);
	});
});
