// Realtime fan-out benchmark: vote -> broadcast (`queue:updated` or `queue:voted`) delivery
// latency and bytes across two realtime nodes (Redis adapter), ramping the number of connected
// members, against bare Socket.IO relaying through the same adapter with the same member layout.
// See bench/realtime/README.md.
//
//   node --import tsx bench/realtime/run.ts [--max-members 5000] [--levels 1000,5000] [--rate 20]
//     [--seconds 8] [--queue-items 20]
import { createSessionService, SESSION_COOKIE_NAME } from '@chorus/auth';
import { createDb, type Db } from '@chorus/db';
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { dbmate } from '../../scripts/lib/migrate.ts';
import { repoRoot, testDatabase } from '../../scripts/lib/postgres.ts';
import { benchArgs, runBench, type Cleanup } from '../lib/harness.ts';
import { cpuSeconds, line, median, note, percentile, verdict } from '../lib/measure.ts';

const LEVELS = [500, 1000, 2000, 5000, 10000];
/** Room size classes; each level splits its members evenly over them. */
const ROOM_SIZES = [10, 100, 500];
const P99_TARGET_MS = 100;
/** Largest waiting queue the service allows (QUEUE_MAX_ITEMS in @chorus/protocol). */
const MAX_QUEUE_ITEMS = 500;

/**
 * `--levels 1000,5000`: exactly these member counts instead of LEVELS within
 * --min-members/--max-members. Taken out of argv here because benchArgs parses numbers only.
 */
function takeLevels(): number[] | undefined {
	const at = process.argv.findIndex((a) => a === '--levels' || a.startsWith('--levels='));
	if (at < 0) return undefined;
	const arg = process.argv[at]!;
	const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[at + 1];
	process.argv.splice(at, arg.includes('=') ? 1 : 2);
	const levels = (raw ?? '').split(',').map((v) => Number(v.trim()));
	if (levels.length === 0 || levels.some((n) => !Number.isInteger(n) || n < 10 || n > 10000)) {
		console.error(`--levels must be a comma-separated list of integers in [10, 10000], got ${raw}`);
		process.exit(2);
	}
	return [...new Set(levels)].sort((a, b) => a - b);
}
const onlyLevels = takeLevels();

const args = benchArgs(
	{
		'min-members': 500,
		'max-members': 5000,
		rate: 20,
		seconds: 8,
		'throughput-seconds': 4,
		voters: 16,
		'connect-concurrency': 50,
		'queue-items': 20,
		'bytes-votes': 10
	},
	{
		'max-members': [10, 10000],
		rate: [1, 1000],
		seconds: [1, 120],
		'connect-concurrency': [1, 1000],
		'queue-items': [1, MAX_QUEUE_ITEMS],
		'bytes-votes': [1, 100]
	}
);

/** UTF-8 bytes of one delivery: the event's arguments as JSON (no Socket.IO/WebSocket framing). */
const payloadBytes = (eventArgs: unknown[]) => Buffer.byteLength(JSON.stringify(eventArgs), 'utf8');

/**
 * A vote's broadcast: `queue:updated` (the whole waiting queue) or `queue:voted` (one item's
 * tally). Typed here, not from @chorus/protocol, so the bench runs against servers with either.
 */
const QUEUE_EVENTS = ['queue:updated', 'queue:voted'] as const;
interface QueueBroadcast {
	roomId: string;
	version: number;
}

interface Proc {
	url: string;
	stop(): Promise<void>;
	pid: number;
}

/** Starts `node --import tsx script`, resolving with the URL it prints. */
async function startProc(cleanup: Cleanup, script: string, env: Record<string, string>) {
	const child = spawn(process.execPath, ['--import', 'tsx', script], {
		cwd: repoRoot,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	// Server errors go straight to our stderr: a failed join says INTERNAL, the log says why.
	child.stderr.on('data', (d) => {
		log = (log + d).slice(-10_000);
		process.stderr.write(`# [${script.split('/').at(-1)}] ${d}`);
	});
	const stop = () =>
		new Promise<void>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
		});
	cleanup.add(`stop ${script}`, stop);
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		child.stdout.on('data', (d) => {
			out += d;
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m) resolve(m[1]!);
		});
		child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${log}`)));
		setTimeout(() => reject(new Error(`${script} did not start:\n${log}`)), 30_000).unref();
	});
	return { url, stop, pid: child.pid! } satisfies Proc;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				await fn(items[i]!, i);
			}
		})
	);
}

interface Layout {
	/** rooms[r] = member indexes; the first one is the voter (host). */
	rooms: { size: number; members: number[] }[];
}

function layout(members: number): Layout {
	const rooms: Layout['rooms'] = [];
	const perClass = Math.floor(members / ROOM_SIZES.length);
	let next = 0;
	for (const want of ROOM_SIZES) {
		const size = Math.min(want, perClass);
		for (let r = 0; r + size <= perClass; r += size) {
			rooms.push({ size: want, members: Array.from({ length: size }, () => next++) });
		}
	}
	return { rooms };
}

interface Stats {
	/** Latency samples (ms) by room size: one per receiving member per vote. */
	samples: Map<number, number[]>;
	/** Bytes one receiving member got for one vote (bytes phase). */
	memberBytes: number[];
	/** Bytes all other members of the room got together for one vote, by room size. */
	voteBytes: Map<number, number[]>;
	sent: number;
	skipped: number;
	/** Bytes-phase votes that did not reach every other member within 5 s. */
	incomplete: number;
}

const newStats = (): Stats => ({
	samples: new Map(ROOM_SIZES.map((s) => [s, []])),
	memberBytes: [],
	voteBytes: new Map(ROOM_SIZES.map((s) => [s, []])),
	sent: 0,
	skipped: 0,
	incomplete: 0
});

/**
 * Called for each broadcast a member receives for a room: its version (one vote's broadcasts
 * share it) and, computed only when asked (serialising costs as much as parsing), its size.
 */
type Seen = (room: number, version: number, bytes: () => number) => void;

/** One side of the comparison: how to connect, join, mutate and recognise the broadcast. */
interface Target {
	name: string;
	/** Server processes, to wait until they are idle between phases. */
	pids: number[];
	connect(member: number, node: number): Promise<Socket>;
	join(socket: Socket, room: number): Promise<void>;
	/** Sends one mutation to `room` from its voter; resolves on the ack. */
	mutate(voter: Socket, room: number): Promise<void>;
	/** Calls `seen` when `socket` receives a broadcast for a room. */
	listen(socket: Socket, seen: Seen): void;
}

/** One vote in flight: what each other member of the room has received for it so far. */
interface Vote {
	sentAt: number;
	/** Latency phase (samples only) or bytes phase (sizes only). */
	countBytes: boolean;
	/** member -> the version of its first delivery for this vote and the bytes of that version. */
	got: Map<number, { version: number; bytes: number }>;
	/** Called once every other member has had a delivery. */
	onComplete?: () => void;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function measure(target: Target, members: number, stats: Stats, cleanup: Cleanup) {
	const { rooms } = layout(members);
	const sockets: Socket[] = new Array(members);
	const disconnectAll = () => sockets.forEach((s) => s?.disconnect());
	cleanup.add(`disconnect ${target.name}`, disconnectAll);
	const t0 = performance.now();
	// Members of a room alternate between the two nodes.
	const order = rooms.flatMap((room, r) => room.members.map((m, k) => ({ m, r, node: k % 2 })));
	await pool(order, args['connect-concurrency'], async ({ m, r, node }) => {
		const s = await target.connect(m, node);
		sockets[m] = s;
		await target.join(s, r);
	});
	const connectS = (performance.now() - t0) / 1000;

	// Each member's first broadcast for a vote counts once (latency); every broadcast it gets
	// with that version counts towards its bytes (a server may send more than one event).
	const pending = new Map<number, Vote>();
	/** Room -> the highest version already seen for a closed vote: late copies are ignored. */
	const floor = new Map<number, number>();
	rooms.forEach((room, r) =>
		room.members.slice(1).forEach((m) => {
			target.listen(sockets[m]!, (seenRoom, version, bytes) => {
				const vote = pending.get(seenRoom);
				if (seenRoom !== r || vote === undefined || version <= (floor.get(r) ?? -Infinity)) {
					return;
				}
				const got = vote.got.get(m);
				if (got === undefined) {
					const ms = performance.now() - vote.sentAt;
					vote.got.set(m, { version, bytes: vote.countBytes ? bytes() : 0 });
					if (!vote.countBytes) stats.samples.get(room.size)!.push(ms);
					if (vote.got.size === room.members.length - 1) vote.onComplete?.();
				} else if (got.version === version && vote.countBytes) {
					got.bytes += bytes();
				}
			});
		})
	);
	const open = (r: number, countBytes: boolean): Vote => {
		const vote: Vote = { sentAt: performance.now(), countBytes, got: new Map() };
		pending.set(r, vote);
		return vote;
	};
	const close = (r: number) => {
		const vote = pending.get(r)!;
		pending.delete(r);
		let top = floor.get(r) ?? -Infinity;
		for (const { version } of vote.got.values()) top = Math.max(top, version);
		floor.set(r, top);
		if (!vote.countBytes || vote.got.size === 0) return;
		let total = 0;
		for (const { bytes } of vote.got.values()) {
			stats.memberBytes.push(bytes);
			total += bytes;
		}
		stats.voteBytes.get(rooms[r]!.size)!.push(total);
	};
	const voter = (r: number) => sockets[rooms[r]!.members[0]!]!;

	// Latency: an open loop at --rate mutations/s over all rooms, one outstanding per room.
	const byClass = ROOM_SIZES.map((size) =>
		rooms.flatMap((room, r) => (room.size === size ? [r] : []))
	);
	const cursor = ROOM_SIZES.map(() => 0);
	const interval = 1000 / args.rate;
	const end = performance.now() + args.seconds * 1000;
	const inflight: Promise<void>[] = [];
	for (let tick = 0; performance.now() < end; tick++) {
		const cls = tick % ROOM_SIZES.length;
		const list = byClass[cls]!;
		if (list.length) {
			const r = list[cursor[cls]!++ % list.length]!;
			if (pending.has(r)) stats.skipped++;
			else {
				open(r, false);
				stats.sent++;
				inflight.push(
					target
						.mutate(voter(r), r)
						// Late deliveries still count until the next mutation of this room.
						.then(() => sleep(500))
						.then(() => close(r))
				);
			}
		}
		await sleep(interval);
	}
	await Promise.all(inflight);

	// Bytes: --bytes-votes votes per room class, one at a time, each delivered to every other
	// member before the next. Here every delivery is serialised, which the latency loop must
	// not pay for (it would double the load generator's work per delivery).
	for (const list of byClass) {
		for (let k = 0; k < args['bytes-votes'] && list.length; k++) {
			const r = list[k % list.length]!;
			const vote = open(r, true);
			const complete = new Promise<boolean>((res) => (vote.onComplete = () => res(true)));
			await target.mutate(voter(r), r);
			if (!(await Promise.race([complete, sleep(5_000).then(() => false)]))) stats.incomplete++;
			await sleep(100); // a second event with the same version, if the server sends one
			close(r);
		}
	}

	// Throughput: --voters rooms mutating back to back (a closed loop), broadcasts delivered.
	let done = 0;
	const stopAt = performance.now() + args['throughput-seconds'] * 1000;
	const voters = rooms.map((_, r) => r).slice(0, args.voters);
	const tp0 = performance.now();
	await Promise.all(
		voters.map(async (r) => {
			while (performance.now() < stopAt) {
				await target.mutate(voter(r), r);
				done++;
			}
		})
	);
	const perSecond = done / ((performance.now() - tp0) / 1000);
	disconnectAll();
	// Thousands of disconnects (presence updates) keep the servers busy for a while: the next
	// phase must not measure that.
	await idle(target.pids);
	return { connectS, perSecond, rooms: rooms.length };
}

/** Waits until the processes use < 10 % of a core over half a second (at most 60 s). */
async function idle(pids: number[]) {
	const deadline = performance.now() + 60_000;
	while (performance.now() < deadline) {
		const cpu = () => pids.map(cpuSeconds).reduce((a, b) => a + b, 0);
		const before = cpu();
		await new Promise((r) => setTimeout(r, 500));
		if (cpu() - before < 0.05) return;
	}
	note('servers still busy after 60 s; measuring anyway');
}

function report(name: string, members: number, stats: Stats) {
	const all = [...stats.samples.values()].flat().sort((a, b) => a - b);
	for (const [size, list] of stats.samples) {
		if (list.length === 0) continue;
		list.sort((a, b) => a - b);
		line(`${name}.p50_ms{members=${members},room=${size}}`, percentile(list, 50), 'ms', 1);
		line(`${name}.p99_ms{members=${members},room=${size}}`, percentile(list, 99), 'ms', 1);
	}
	line(`${name}.p50_ms{members=${members}}`, percentile(all, 50), 'ms', 1);
	line(`${name}.p99_ms{members=${members}}`, percentile(all, 99), 'ms', 1);
	line(`${name}.deliveries{members=${members}}`, all.length, '', 0);
	line(`${name}.bytes_per_vote_per_member{members=${members}}`, median(stats.memberBytes), 'B', 0);
	for (const [size, list] of stats.voteBytes) {
		if (list.length === 0) continue;
		line(`${name}.bytes_per_vote{members=${members},room=${size}}`, median(list), 'B', 0);
	}
	const votes = [...stats.voteBytes.values()].flat();
	line(`${name}.bytes_per_vote{members=${members}}`, median(votes), 'B', 0);
	if (stats.incomplete) note(`${name}: ${stats.incomplete} bytes-phase votes missed a member`);
	return { p50: percentile(all, 50), p99: percentile(all, 99), bytes: median(votes) };
}

await runBench('realtime', 30 * 60_000, async (cleanup) => {
	const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
	const levels =
		onlyLevels ?? LEVELS.filter((n) => n >= args['min-members'] && n <= args['max-members']);
	const maxMembers = levels.at(-1)!;
	const queueItems = args['queue-items'];
	note(
		`levels ${levels.join(', ')} members; room sizes ${ROOM_SIZES.join('/')}; ${queueItems} queued items per room; ${args.rate} votes/s for ${args.seconds} s; ${args['bytes-votes']} votes per room size for bytes`
	);

	const database = await testDatabase('bench_rt');
	cleanup.add('drop database', () => database.stop());
	await dbmate(database.url, ['up'], true);
	const db: Db = createDb(database.url, { poolSize: 8 });
	cleanup.add('close db', () => db.$disconnect());
	const sessions = createSessionService(db);

	// Users and sessions straight in the database (no password hashing: nobody logs in).
	const userIds = Array.from({ length: maxMembers }, () => randomUUID());
	await db.user.createMany({
		data: userIds.map((id, i) => ({ id, displayName: `Member ${i}`, isGuest: true }))
	});
	const cookies: string[] = new Array(maxMembers);
	await pool(userIds, 16, async (id, i) => {
		const { token } = await sessions.create(id);
		cookies[i] = `${SESSION_COOKIE_NAME}=${token}`;
	});
	// --queue-items distinct tracks: a room may queue a track only once at a time (partial
	// unique index on queue_items (room_id, track_id) WHERE status = 'queued').
	const sha256 = randomBytes(32).toString('hex');
	await db.blob.create({ data: { sha256, sizeBytes: 1000n, mimeType: 'audio/mpeg' } });
	const trackIds = Array.from({ length: queueItems }, () => randomUUID());
	await db.track.createMany({
		data: trackIds.map((id, t) => ({
			id,
			ownerId: userIds[0]!,
			blobSha256: sha256,
			title: `Bench track ${t + 1}`,
			artist: `Bench artist ${(t % 7) + 1}`,
			album: `Bench album ${(t % 3) + 1}`,
			durationMs: 180_000 + t * 1000,
			container: 'MPEG',
			codec: 'MPEG 1 Layer 3',
			mimeType: 'audio/mpeg',
			sizeBytes: 1000n,
			visibility: 'public' as const,
			processingStatus: 'ready' as const
		}))
	});

	const ours = await Promise.all(
		[0, 1].map(() =>
			startProc(cleanup, 'apps/realtime/test/child-node.ts', {
				DATABASE_URL: database.url,
				REDIS_URL: redisUrl,
				EVENT_POINTS: '1000000000',
				DB_POOL: '10',
				LOG_LEVEL: 'error'
			})
		)
	);
	const bare = await Promise.all(
		[0, 1].map(() => startProc(cleanup, 'bench/realtime/bare-server.ts', { REDIS_URL: redisUrl }))
	);
	note(`realtime nodes pids ${ours.map((p) => p.pid)}, bare nodes pids ${bare.map((p) => p.pid)}`);

	const connect = (url: string, headers: Record<string, string>) =>
		new Promise<Socket>((resolve, reject) => {
			const s = io(url, {
				transports: ['websocket'],
				reconnection: false,
				forceNew: true,
				extraHeaders: headers,
				timeout: 60_000
			});
			s.once('connect', () => resolve(s));
			s.once('connect_error', reject);
		});

	let held = 0;
	for (const members of levels) {
		// Fresh rooms for this level: memberships and --queue-items queued items each, added a
		// second apart (a fixed play order). Votes go to the first item; the host's vote flips
		// between +1 and −1, so its score goes 1 <-> −1 and it moves between first and last
		// place: with more than one item, every vote after the room's first reorders the queue.
		const { rooms } = layout(members);
		const roomIds: string[] = rooms.map(() => randomUUID());
		const itemIds: string[][] = rooms.map(() => trackIds.map(() => randomUUID()));
		await db.room.createMany({
			data: rooms.map((room, r) => ({
				id: roomIds[r]!,
				name: `Bench ${members}/${r}`,
				hostId: userIds[room.members[0]!]!
			}))
		});
		await db.roomMember.createMany({
			data: rooms.flatMap((room, r) =>
				room.members.map((m, k) => ({
					roomId: roomIds[r]!,
					userId: userIds[m]!,
					role: k === 0 ? ('host' as const) : ('listener' as const)
				}))
			)
		});
		const addedAt = Date.now() - 60_000;
		await db.queueItem.createMany({
			data: rooms.flatMap((room, r) =>
				trackIds.map((trackId, t) => ({
					id: itemIds[r]![t]!,
					roomId: roomIds[r]!,
					trackId,
					addedBy: userIds[room.members[0]!]!,
					addedAt: new Date(addedAt + t * 1000)
				}))
			)
		});

		let payloadSample: unknown = null;
		const nextVote = new Map<number, 1 | -1>();
		const roomIndex = new Map(roomIds.map((id, r) => [id, r]));
		const oursTarget: Target = {
			name: 'realtime',
			pids: ours.map((p) => p.pid),
			// The whole queue (`queue:updated`, the service before queue:voted) or one item's new
			// tally (`queue:voted`): whichever the server sends for a vote.
			listen(s, seen) {
				for (const event of QUEUE_EVENTS) {
					s.on(event, (...eventArgs: [QueueBroadcast]) => {
						const [e] = eventArgs;
						payloadSample = e;
						seen(roomIndex.get(e.roomId) ?? -1, e.version, () => payloadBytes(eventArgs));
					});
				}
			},
			connect: (m, node) => connect(ours[node]!.url, { cookie: cookies[m]! }),
			async join(s, r) {
				const res = await s.timeout(120_000).emitWithAck('room:join', { roomId: roomIds[r] });
				if (!res.ok) throw new Error(`join: ${JSON.stringify(res.error)}`);
			},
			async mutate(s, r) {
				const value = nextVote.get(r) ?? 1;
				nextVote.set(r, value === 1 ? -1 : 1);
				const res = await s.timeout(60_000).emitWithAck('vote:cast', {
					roomId: roomIds[r],
					itemId: itemIds[r]![0],
					value,
					mutationId: randomUUID()
				});
				if (!res.ok) throw new Error(`vote: ${JSON.stringify(res.error)}`);
			}
		};

		const oursStats = newStats();
		const o = await measure(oursTarget, members, oursStats, cleanup);
		line(`realtime.connect_and_join_s{members=${members}}`, o.connectS, 's', 1);
		line(`realtime.mutations_per_s{members=${members}}`, o.perSecond, '/s', 1);
		const oursLat = report('realtime', members, oursStats);

		// Baseline: the same layout, relaying a payload the size of our broadcast (the last one
		// a member received, a typical vote: a room's first vote is the only one that leaves
		// the order as it was), with a per-room version like ours.
		const payload = payloadSample ?? { filler: 'x'.repeat(800) };
		const bareVersion = new Map<number, number>();
		const bareTarget: Target = {
			name: 'bare',
			pids: bare.map((p) => p.pid),
			connect: (_m, node) => connect(bare[node]!.url, {}),
			async join(s, r) {
				await s.timeout(120_000).emitWithAck('join', `bare:${members}:${r}`);
			},
			async mutate(s, r) {
				const version = (bareVersion.get(r) ?? 0) + 1;
				bareVersion.set(r, version);
				await s
					.timeout(60_000)
					.emitWithAck('relay', { room: `bare:${members}:${r}`, version, payload });
			},
			listen(s, seen) {
				s.on('msg', (...eventArgs: [{ room: string; version: number }]) => {
					const [msg] = eventArgs;
					seen(Number(msg.room.split(':')[2]), msg.version, () => payloadBytes(eventArgs));
				});
			}
		};
		const bareStats = newStats();
		const b = await measure(bareTarget, members, bareStats, cleanup);
		line(`bare.connect_and_join_s{members=${members}}`, b.connectS, 's', 1);
		line(`bare.relays_per_s{members=${members}}`, b.perSecond, '/s', 1);
		const bareLat = report('bare', members, bareStats);
		line(`ratio_p50{members=${members}} ours/bare`, oursLat.p50 / bareLat.p50, 'x', 2);
		line(`ratio_p99{members=${members}} ours/bare`, oursLat.p99 / bareLat.p99, 'x', 2);
		line(`ratio_throughput{members=${members}} ours/bare`, o.perSecond / b.perSecond, 'x', 3);
		note(
			`bytes per vote: ours ${oursLat.bytes} B, bare ${bareLat.bytes} B (bare relays a copy of one of our broadcasts, so about equal by construction)`
		);
		note(
			`skipped ticks (room still busy): ours ${oursStats.skipped}/${oursStats.sent + oursStats.skipped}, bare ${bareStats.skipped}/${bareStats.sent + bareStats.skipped}`
		);
		if (oursLat.p99 < P99_TARGET_MS) held = members;
	}
	line('realtime.max_members_p99_under_100ms', held, 'members', 0);
	verdict('>= 5000 members with p99 < 100 ms', held >= 5000, `${held} held`);
});
