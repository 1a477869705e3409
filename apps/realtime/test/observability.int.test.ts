// What an operator sees of a realtime node: metrics that move when things happen, access logs
// that carry socket and room ids but never a credential, and liveness / readiness probes.
import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
	createRoom,
	createTrack,
	createUserWithSession,
	roomVersion
} from '../../../tests/helpers.ts';
import { metricDelta, metricValue, scrape } from '../../../tests/metrics.ts';
import { createLogger } from '../src/logger.ts';
import {
	client,
	connected,
	nextEvent,
	ok,
	openDb,
	request,
	startNode,
	type Node
} from './harness.ts';

/** Every line the node logs, as parsed JSON. */
const lines: Record<string, unknown>[] = [];
const logText = () => lines.map((l) => JSON.stringify(l)).join('\n');
const sink = new Writable({
	write(chunk, _enc, done) {
		for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
		done();
	}
});

let db: Db;
let sessions: SessionService;
let node: Node;
beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	node = await startNode(db, sessions, { logger: createLogger('debug', sink) });
});
afterAll(async () => {
	await node?.stop();
	await db?.$disconnect();
});

const delta = metricDelta;

/** A host, their room, and their connected socket (not joined yet). */
async function hostWithRoom() {
	const host = await createUserWithSession(db, sessions, 'Host');
	const room = await createRoom(db, host.user.id);
	const socket = client(node.url, { token: host.token });
	await connected(socket);
	return { host, room, socket };
}

describe('realtime metrics', () => {
	it('count commands by outcome, time their acks, and follow clock and sync reports', async () => {
		const { room, socket } = await hostWithRoom();
		try {
			const before = await scrape(node.url);
			ok(await request(socket, 'clock:ping', { t0: 1, rttMs: 12 }));
			const bad = await request(socket, 'clock:ping', { t0: 'soon' } as never);
			expect(bad.ok).toBe(false);
			ok(await request(socket, 'room:join', { roomId: room.id }));
			const relayed = nextEvent(socket, 'sync:reported');
			ok(
				await request(socket, 'sync:report', {
					roomId: room.id,
					driftMs: -7,
					offsetMs: 0.4,
					rttMs: 1,
					listening: true
				})
			);
			await relayed;
			const after = await scrape(node.url);

			const events = 'chorus_realtime_events_total';
			expect(delta(before, after, events, { event: 'clock:ping', outcome: 'ok' })).toBe(1);
			expect(
				delta(before, after, events, { event: 'clock:ping', outcome: 'error', code: 'VALIDATION' })
			).toBe(1);
			expect(delta(before, after, events, { event: 'room:join', outcome: 'ok' })).toBe(1);
			const acks = 'chorus_realtime_ack_duration_seconds_count';
			expect(delta(before, after, acks, { event: 'clock:ping' })).toBe(2);
			expect(delta(before, after, acks, { event: 'room:join' })).toBe(1);
			expect(delta(before, after, 'chorus_realtime_ack_duration_seconds_sum')).toBeGreaterThan(0);
			expect(delta(before, after, 'chorus_realtime_clock_rtt_seconds_count')).toBe(1);
			expect(delta(before, after, 'chorus_realtime_clock_rtt_seconds_sum')).toBeCloseTo(0.012);
			expect(delta(before, after, 'chorus_realtime_sync_drift_seconds_count')).toBe(1);
			// |−7 ms| falls in the 10 ms bucket, not the 5 ms one.
			const bucket = (le: string) =>
				delta(before, after, 'chorus_realtime_sync_drift_seconds_bucket', { le });
			expect([bucket('0.005'), bucket('0.01')]).toEqual([0, 1]);
			expect(
				delta(before, after, 'chorus_realtime_broadcasts_total', { event: 'sync:reported' })
			).toBe(1);
			expect(
				delta(before, after, 'chorus_realtime_broadcast_fanout_sockets_count')
			).toBeGreaterThan(0);
			expect(metricValue(after, 'chorus_realtime_connected_sockets')).toBeGreaterThanOrEqual(1);
			expect(metricValue(after, 'chorus_realtime_rooms_active')).toBeGreaterThanOrEqual(1);
			expect(
				after.some(
					(s) =>
						s.name === 'chorus_realtime_dependency_errors_total' && s.labels.dependency === 'redis'
				)
			).toBe(true);
		} finally {
			socket.disconnect();
		}
	});

	it('count the advances this node decides when a track ends', async () => {
		const { host, room, socket } = await hostWithRoom();
		const track = await createTrack(db, host.user.id, { durationMs: 500 });
		try {
			ok(await request(socket, 'room:join', { roomId: room.id }));
			ok(
				await request(socket, 'queue:add', {
					roomId: room.id,
					trackId: track.id,
					mutationId: randomUUID()
				})
			);
			const before = await scrape(node.url);
			ok(
				await request(socket, 'playback:play', {
					roomId: room.id,
					mutationId: randomUUID(),
					basedOnVersion: await roomVersion(db, room.id)
				})
			);
			await vi.waitFor(
				async () => {
					const after = await scrape(node.url);
					expect(delta(before, after, 'chorus_realtime_playback_advances_total')).toBeGreaterThan(
						0
					);
				},
				{ timeout: 10_000, interval: 100 }
			);
		} finally {
			socket.disconnect();
		}
	});
});

describe('realtime access logs', () => {
	it('name the socket and room of each command, and the request id of each HTTP request', async () => {
		const { host, room, socket } = await hostWithRoom();
		try {
			ok(await request(socket, 'room:join', { roomId: room.id }));
			await vi.waitFor(() => {
				const join = lines.find((l) => l.event === 'room:join' && l.roomId === room.id);
				expect(join).toMatchObject({ socketId: socket.id, userId: host.user.id, outcome: 'ok' });
				expect(join?.ms).toBeTypeOf('number');
				expect(lines).toContainEqual(
					expect.objectContaining({ msg: 'socket connected', socketId: socket.id })
				);
			});
		} finally {
			socket.disconnect();
		}

		const secret = `tok-${randomUUID()}`;
		const res = await fetch(`${node.url}/livez?token=${secret}&page=2`, {
			headers: {
				cookie: `chorus_session=${secret}`,
				authorization: `Bearer ${secret}`,
				'x-request-id': 'probe-42'
			}
		});
		expect(res.headers.get('x-request-id')).toBe('probe-42');
		await vi.waitFor(() => {
			expect(lines).toContainEqual(
				expect.objectContaining({
					requestId: 'probe-42',
					method: 'GET',
					url: '/livez?token=[Redacted]&page=2',
					status: 200
				})
			);
		});
		// Neither the query token, the cookie, the bearer, nor the socket's session cookie.
		expect(logText()).not.toContain(secret);
		expect(logText()).not.toContain(host.token);
	});
});

describe('liveness and readiness', () => {
	it('answer ok while PostgreSQL answers; /healthz is readiness', async () => {
		expect(await (await fetch(`${node.url}/livez`)).json()).toEqual({ status: 'ok' });
		for (const path of ['/readyz', '/healthz']) {
			const res = await fetch(node.url + path);
			expect(res.status, path).toBe(200);
			expect(await res.json()).toEqual({ status: 'ok', checks: { postgres: 'ok' } });
		}
	});

	it('readiness names the dependency that is down, while liveness stays ok', async () => {
		// Nothing listens on port 1: every query is refused.
		const dead = openDb('postgres://chorus:chorus@127.0.0.1:1/chorus');
		const broken = await startNode(dead.db, dead.sessions);
		try {
			expect((await fetch(`${broken.url}/livez`)).status).toBe(200);
			const res = await fetch(`${broken.url}/readyz`);
			expect(res.status).toBe(503);
			const body = await res.json();
			expect(body.status).toBe('unavailable');
			expect(Object.keys(body.checks)).toEqual(['postgres']);
			expect(body.checks.postgres).not.toBe('ok');
			const samples = await scrape(broken.url);
			expect(
				metricValue(samples, 'chorus_realtime_dependency_errors_total', { dependency: 'postgres' })
			).toBeGreaterThan(0);
		} finally {
			await broken.stop();
			await dead.db.$disconnect();
		}
	});
});
