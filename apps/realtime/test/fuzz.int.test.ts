// Property-based fuzzing of every client event against a real node: whatever a member sends,
// the ack is a well-formed envelope (VALIDATION exactly when the schema refuses the payload),
// nothing internal leaks, the socket stays up and the node keeps serving.
import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import { CLIENT_EVENT_SCHEMAS, CLIENT_EVENTS, ERROR_CODES, type Ack } from '@chorus/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { z } from 'zod';
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
	ok,
	openDb,
	request,
	startNode,
	type ClientSocket,
	type Node
} from './harness.ts';

type Event = (typeof CLIENT_EVENTS)[number];
const RUNS_PER_EVENT = 150;

// The protocol's own table of command schemas (its type makes it list every command).
const SCHEMAS: Record<Event, z.ZodType> = CLIENT_EVENT_SCHEMAS;

let db: Db;
let sessions: SessionService;
let node: Node;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	// The fuzzer sends thousands of events; the per-user budget is not what is under test.
	node = await startNode(db, sessions, { eventLimits: { points: 1_000_000 } });
});
afterAll(async () => {
	for (const s of sockets.splice(0)) s.disconnect();
	await node.stop();
	await db.$disconnect();
});

/** A room where the fuzzer is host, with another member, a queued item and a chat message. */
async function fixture() {
	const host = await createUserWithSession(db, sessions, 'Fuzzer');
	const other = await createUserWithSession(db, sessions, 'Other');
	const room = await createRoom(db, host.user.id);
	await addMember(db, room.id, other.user.id);
	const tracks = await Promise.all([1, 2].map(() => createTrack(db, host.user.id)));
	const socket = client(node.url, { token: host.token });
	sockets.push(socket);
	await connected(socket);
	ok(await request(socket, 'room:join', { roomId: room.id }));
	const { item } = ok(
		await request(socket, 'queue:add', {
			roomId: room.id,
			trackId: tracks[0]!.id,
			mutationId: mutationId()
		})
	);
	const { message } = ok(
		await request(socket, 'chat:send', { roomId: room.id, body: 'hi', mutationId: mutationId() })
	);
	return { socket, room, host, other, tracks, itemId: item.id, messageId: message.id };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

/** A payload the schema accepts, pointing at real rows where that makes the call go deep. */
function valid(event: Event, f: Fixture): Record<string, unknown> {
	const roomId = f.room.id;
	const m = { roomId, mutationId: mutationId() };
	switch (event) {
		case 'clock:ping':
			return { t0: 1.5 };
		case 'room:join':
		case 'room:sync':
			return { roomId };
		case 'room:leave':
			return m;
		case 'playback:play':
		case 'playback:pause':
		case 'playback:skip':
		case 'playback:previous':
			// Based on a version the fixture's room has not passed: the command goes all the way.
			return { ...m, basedOnVersion: 1_000 };
		case 'playback:seek':
			return { ...m, basedOnVersion: 1_000, positionMs: 1_000 };
		case 'sync:report':
			return { roomId, driftMs: 1.5, offsetMs: -0.25, rttMs: 0.8, listening: true };
		case 'room:update':
			return { ...m, name: 'Renamed', settings: { fairRotation: true } };
		case 'member:set-role':
			return { ...m, userId: f.other.user.id, role: 'cohost' };
		case 'member:transfer-host':
		case 'member:kick':
		case 'member:ban':
			return { ...m, userId: f.other.user.id };
		case 'presence:set':
			return { roomId, status: 'listening' };
		case 'queue:add':
			return { ...m, trackId: f.tracks[1]!.id };
		case 'queue:remove':
			return { ...m, itemId: f.itemId };
		case 'queue:move':
			return { ...m, itemId: f.itemId, toIndex: 0 };
		case 'queue:pin':
			return { ...m, itemId: f.itemId, pinned: true };
		case 'vote:cast':
			return { ...m, itemId: f.itemId, value: 1 };
		case 'skip:vote':
			return { ...m, itemId: f.itemId };
		case 'chat:send':
			return { ...m, body: 'hello' };
		case 'chat:delete':
			return { ...m, messageId: f.messageId };
		case 'chat:mute':
			return { ...m, userId: f.other.user.id, durationSec: 60 };
		case 'reaction:send':
			return { roomId, emoji: '🔥' };
	}
}

/** Values that are wrong in the ways clients get things wrong (and attackers try). */
const nasty = fc.oneof(
	fc.anything(),
	fc.constantFrom(
		null,
		'',
		'not-a-uuid',
		'00000000-0000-0000-0000-000000000000',
		"'; DROP TABLE rooms; --",
		'\u202e\u0000',
		-1,
		1e308,
		0.5,
		[],
		{},
		true
	),
	fc.uuid().map((u) => u), // well-formed but unknown ids
	// Up to 7 KB: two edits stay under the 16 KB message limit (beyond it the server hangs up).
	fc.integer({ min: 0, max: 7_000 }).map((n) => 'x'.repeat(n)),
	fc.string({ maxLength: 80 })
);

/** A valid payload with one or two things wrong (or, sometimes, nothing wrong). */
function nearValid(event: Event, f: Fixture): fc.Arbitrary<unknown> {
	const base = fc.constant(null).map(() => valid(event, f));
	const keys = Object.keys(valid(event, f));
	const edit = fc.oneof(
		// replace a field
		fc.record({ kind: fc.constant('set'), key: fc.constantFrom(...keys), value: nasty }),
		// drop a field
		fc.record({ kind: fc.constant('drop'), key: fc.constantFrom(...keys), value: fc.constant(0) }),
		// an extra field (strict schemas refuse it)
		fc.record({ kind: fc.constant('set'), key: fc.string({ maxLength: 12 }), value: nasty }),
		// fresh ids: valid shape, unknown rows
		fc.record({
			kind: fc.constant('set'),
			key: fc.constantFrom(...keys.filter((k) => k !== 'roomId'), 'mutationId'),
			value: fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/))
		})
	);
	return fc.tuple(base, fc.array(edit, { minLength: 0, maxLength: 2 })).map(([p, edits]) => {
		for (const e of edits) {
			if (e.kind === 'drop') delete p[e.key];
			else Object.defineProperty(p, e.key, { value: e.value, enumerable: true, writable: true });
		}
		return p;
	});
}

/** What the server receives: the wire is JSON (undefined -> null, NaN -> null, -0 -> 0...). */
const overTheWire = (payload: unknown): unknown => JSON.parse(JSON.stringify([payload]))[0];

const LEAKS =
	/\bat \S+ \(|\.ts:\d+|SELECT |INSERT INTO|UPDATE \S+ SET|prisma|postgres|violates|stack/i;

function checkAck(event: Event, payload: unknown, res: Ack<unknown>): void {
	expect(typeof res).toBe('object');
	if (res.ok) {
		expect(Object.keys(res).sort()).toEqual(['data', 'ok']);
		return;
	}
	expect(res.ok).toBe(false);
	expect(ERROR_CODES).toContain(res.error.code);
	expect(typeof res.error.message).toBe('string');
	expect(res.error.message).not.toMatch(LEAKS);
	// Bad input must never look like a server fault.
	expect(res.error.code).not.toBe('INTERNAL');
	const schemaOk = SCHEMAS[event].safeParse(overTheWire(payload)).success;
	if (!schemaOk) expect(res.error.code, JSON.stringify(payload)?.slice(0, 300)).toBe('VALIDATION');
	else expect(res.error.code).not.toBe('VALIDATION');
}

let rawAckId = 1_000_000;
/**
 * Sends `[event, <payloadJson>]` with an ack id as a raw Socket.IO packet (`binary`: as a
 * binary event with one attachment); resolves with the ack.
 */
function rawRequest(
	socket: ClientSocket,
	event: string,
	payloadJson: string,
	binary = false
): Promise<unknown> {
	const id = rawAckId++;
	const engine = (
		socket.io as unknown as {
			engine: {
				write(data: string | Uint8Array): void;
				on(e: 'message', f: (d: unknown) => void): void;
				off(e: 'message', f: (d: unknown) => void): void;
			};
		}
	).engine;
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5_000);
		const onMessage = (data: unknown) => {
			// An ACK packet: type 3, the id, then the JSON array of answers.
			if (typeof data !== 'string' || !data.startsWith(`3${id}[`)) return;
			engine.off('message', onMessage);
			clearTimeout(timer);
			resolve((JSON.parse(data.slice(String(id).length + 1)) as unknown[])[0]);
		};
		engine.on('message', onMessage);
		engine.write(`${binary ? '51-' : '2'}${id}[${JSON.stringify(event)},${payloadJson}]`);
		if (binary) engine.write(new Uint8Array([1, 2, 3]));
	});
}

/** The connection is up and a valid command in a fresh room works. */
async function stillServes(socket: ClientSocket, token: string) {
	expect(socket.connected).toBe(true);
	ok(await request(socket, 'clock:ping', { t0: 1 }));
	const room = await createRoom(db, (await sessions.validate(token))!.user.id);
	ok(await request(socket, 'room:join', { roomId: room.id }));
	const sent = ok(
		await request(socket, 'chat:send', {
			roomId: room.id,
			body: 'still here',
			mutationId: mutationId()
		})
	);
	expect(sent.message.body).toBe('still here');
}

describe('fuzzing every client event', () => {
	it('covers the whole protocol', () => {
		expect(Object.keys(SCHEMAS).sort()).toEqual([...CLIENT_EVENTS].sort());
	});

	for (const event of CLIENT_EVENTS) {
		it(`${event}: any payload gets a clean envelope`, async () => {
			const f = await fixture();
			const payloads = fc.oneof(
				{ weight: 1, arbitrary: fc.anything() },
				{ weight: 3, arbitrary: nearValid(event, f) }
			);
			await fc.assert(
				fc.asyncProperty(payloads, async (payload) => {
					const res = (await request(f.socket, event, payload as never)) as Ack<unknown>;
					checkAck(event, payload, res);
				}),
				{ numRuns: RUNS_PER_EVENT, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 1e9) }
			);
			await stillServes(f.socket, f.host.token);
		});
	}

	it('events without an ack, or with odd arguments, never break the node', async () => {
		const f = await fixture();
		const emitRaw = f.socket.emit.bind(f.socket) as (e: string, ...a: unknown[]) => void;
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...CLIENT_EVENTS), fc.anything(), async (event, payload) => {
				emitRaw(event, payload); // fire-and-forget: the server just drops it
				emitRaw(event);
				emitRaw(event, payload, payload, 'extra');
			}),
			{ numRuns: 300 }
		);
		// The node processed all of that (events on one socket are handled in order).
		await stillServes(f.socket, f.host.token);
	});

	it('deeply nested payloads on every event are answered with VALIDATION, and the node serves on', async () => {
		const f = await fixture();
		// Thousands of levels, far beyond any real payload, just under the 16 KB message limit.
		// Written on the wire by hand: socket.io-client's own encoder would overflow on them.
		const deepArray = '['.repeat(7_000) + ']'.repeat(7_000);
		const deepObject = '{"a":'.repeat(2_500) + '1' + '}'.repeat(2_500);
		for (const event of CLIENT_EVENTS) {
			const good = JSON.stringify(valid(event, f));
			for (const payload of [
				deepArray,
				deepObject,
				`${good.slice(0, -1)},"body":${deepArray}}`,
				`{"roomId":${deepObject}}`
			]) {
				const res = (await rawRequest(f.socket, event, payload)) as Ack<unknown>;
				expect(res.ok === false && res.error.code, event).toBe('VALIDATION');
			}
			// As a binary packet, whose decoding used to walk the payload recursively.
			const placeholder = '{"_placeholder":true,"num":0}';
			for (const payload of [
				'['.repeat(5_000) + placeholder + ']'.repeat(5_000),
				`${good.slice(0, -1)},"file":${placeholder}}`
			]) {
				const res = (await rawRequest(f.socket, event, payload, true)) as Ack<unknown>;
				expect(res.ok === false && res.error.code, `${event} binary`).toBe('VALIDATION');
			}
		}
		await stillServes(f.socket, f.host.token);
	});

	it('an ack without a payload, or with extra arguments, is answered with VALIDATION', async () => {
		const f = await fixture();
		const s = f.socket as unknown as {
			timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<Ack<unknown>> };
		};
		for (const event of CLIENT_EVENTS) {
			const none = await s.timeout(5_000).emitWithAck(event);
			expect(none.ok === false && none.error.code, event).toBe('VALIDATION');
			const extra = await s.timeout(5_000).emitWithAck(event, valid(event, f), 'extra');
			expect(extra.ok === false && extra.error.code, event).toBe('VALIDATION');
		}
		await stillServes(f.socket, f.host.token);
	});
});
