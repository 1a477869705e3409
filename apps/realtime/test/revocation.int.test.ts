// A deleted session's sockets are disconnected on every node, through PostgreSQL LISTEN/NOTIFY
// (no Redis between the nodes here: each node listens on its own connection).
import { SESSION_COOKIE_NAME, type SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUserWithSession } from '../../../tests/helpers.ts';
import { SESSION_RECHECK_MS } from '../src/socket/lifetime.ts';
import {
	client,
	connected,
	eventually,
	nextEvent,
	openDb,
	request,
	startNode,
	type ClientSocket,
	type Node
} from './harness.ts';

/** The product promise: a revoked session loses its sockets within a second. */
const REVOCATION_BUDGET_MS = 1_000;

let db: Db;
let sessions: SessionService;
let a: Node;
let b: Node;
const open: ClientSocket[] = [];

beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	const databaseUrl = inject('databaseUrl');
	a = await startNode(db, sessions, { databaseUrl });
	b = await startNode(db, sessions, { databaseUrl });
});
afterAll(async () => {
	for (const s of open) s.disconnect();
	await Promise.all([a?.stop(), b?.stop()]);
	await db.$disconnect();
});

async function connect(node: Node, token: string): Promise<ClientSocket> {
	const s = client(node.url, { token });
	open.push(s);
	await connected(s);
	return s;
}

/** Resolves when the server disconnects the socket, with whether session:revoked came first. */
function revocation(socket: ClientSocket, timeoutMs = 5_000) {
	return new Promise<{ revoked: boolean; reason: string; at: number }>((resolve, reject) => {
		let revoked = false;
		socket.once('session:revoked', () => (revoked = true));
		const timer = setTimeout(() => reject(new Error('socket was not disconnected')), timeoutMs);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve({ revoked, reason, at: performance.now() });
		});
	});
}

async function secondSession(userId: string) {
	return sessions.create(userId);
}

describe('session revocation', () => {
	it('disconnects the session on both nodes within a second and leaves other sessions alone', async () => {
		const { user, token, session } = await createUserWithSession(db, sessions, 'Revoked');
		const other = await secondSession(user.id);
		const stranger = await createUserWithSession(db, sessions, 'Stranger');

		const onA = await connect(a, token);
		const onB = await connect(b, token);
		const otherOnA = await connect(a, other.token);
		const otherOnB = await connect(b, other.token);
		const strangerOnB = await connect(b, stranger.token);
		const gone = [revocation(onA), revocation(onB)];

		const start = performance.now();
		await db.session.delete({ where: { id: session.id } });
		const results = await Promise.all(gone);
		const latencyMs = Math.max(...results.map((r) => r.at - start));
		console.info(`revocation latency (row delete, 2 nodes): ${latencyMs.toFixed(1)} ms`);

		expect(latencyMs).toBeLessThan(REVOCATION_BUDGET_MS);
		for (const r of results) {
			expect(r.revoked).toBe(true);
			expect(r.reason).toBe('io server disconnect');
		}
		// A moment later, the other session and the other user are still connected.
		await new Promise((r) => setTimeout(r, 150));
		expect(otherOnA.connected && otherOnB.connected && strangerOnB.connected).toBe(true);
		// The revoked token cannot come back.
		const again = client(a.url, { token });
		open.push(again);
		await expect(connected(again)).rejects.toThrow(/expired|sign in/i);
	});

	it('disconnects when the web API signs the session out from another device', async () => {
		const { user, token, session } = await createUserWithSession(db, sessions, 'Api');
		const other = await secondSession(user.id);
		const onA = await connect(a, token);
		const onB = await connect(b, token);
		const keeper = await connect(b, other.token);
		const gone = [revocation(onA), revocation(onB)];

		const revokeVia = (id: string) =>
			fetch(`${inject('webUrl')}/api/v1/me/sessions/${id}`, {
				method: 'DELETE',
				headers: { cookie: `${SESSION_COOKIE_NAME}=${other.token}`, origin: inject('webUrl') }
			});
		// Warm the route up (a cold server compiles it on first use): the figure is the revocation.
		expect((await revokeVia('not-a-session')).status).toBe(404);
		const start = performance.now();
		const res = await revokeVia(session.id);
		expect(res.status).toBe(204);
		const results = await Promise.all(gone);
		const latencyMs = Math.max(...results.map((r) => r.at - start));
		console.info(`revocation latency (web API, 2 nodes): ${latencyMs.toFixed(1)} ms`);
		expect(latencyMs).toBeLessThan(REVOCATION_BUDGET_MS);
		expect(results.every((r) => r.revoked)).toBe(true);
		await new Promise((r) => setTimeout(r, 150));
		expect(keeper.connected).toBe(true);
	});

	it('reconnects a lost LISTEN connection and catches revocations missed meanwhile', async () => {
		const { user, token, session } = await createUserWithSession(db, sessions, 'Flaky');
		const later = await secondSession(user.id);
		const keeper = await secondSession(user.id);
		const missed = await connect(a, token);
		const laterSocket = await connect(a, later.token);
		const keeperSocket = await connect(a, keeper.token);

		const pid = a.app.notices.backendPid();
		expect(pid).toBeTypeOf('number');
		const reconnected = a.app.notices.nextReconnect();
		const missedGone = revocation(missed);
		// Kill node A's listener connection, and delete a session while it is down: the
		// notification is lost, so only the re-check after reconnecting can catch it.
		await db.$executeRaw`SELECT pg_terminate_backend(${pid}::int)`;
		await db.session.delete({ where: { id: session.id } });
		await reconnected;
		expect(a.app.notices.backendPid()).not.toBe(pid);
		expect((await missedGone).revoked).toBe(true);

		// And live notifications flow again on the new connection.
		const laterGone = revocation(laterSocket);
		const start = performance.now();
		await db.session.delete({ where: { id: later.session.id } });
		const r = await laterGone;
		expect(r.revoked).toBe(true);
		expect(r.at - start).toBeLessThan(REVOCATION_BUDGET_MS);
		await eventually(() => keeperSocket.connected, 'the untouched session stays connected', 500);
	});

	it('refuses a socket whose handshake validated the session just before it was revoked', async () => {
		const { token, session } = await createUserWithSession(db, sessions, 'Racer');
		const row = await db.session.findUniqueOrThrow({ where: { id: session.id } });
		// Revoke, then put the row back: to the handshake the session looks valid, as it did to a
		// handshake that read it a moment before the delete. The node remembers the revocation.
		await db.session.delete({ where: { id: session.id } });
		await db.session.create({ data: row });
		await new Promise((r) => setTimeout(r, 200)); // let the notifications arrive
		const s = client(a.url, { token });
		open.push(s);
		const gone = revocation(s);
		const r = await gone;
		expect(r.revoked).toBe(true);
		await db.session.deleteMany({ where: { id: session.id } });
	});
});

/** Every way a session can stop signing in, with its row kept (no delete, so no notice). */
describe('session lifetime without a revocation notice', () => {
	/** Within a few seconds: the periodic re-check on each node, plus some slack for a busy CI. */
	const LIFETIME_BUDGET_MS = SESSION_RECHECK_MS + 2_000;

	it.each([
		[
			'idle expiry',
			(id: string) =>
				db.session.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1) } })
		],
		[
			'absolute maximum age',
			(id: string) =>
				db.session.update({
					where: { id },
					data: { createdAt: new Date(Date.now() - sessions.policy.absoluteMaxAgeMs - 1) }
				})
		],
		[
			'two-factor turned on for an account whose session never gave the second factor',
			async (id: string) => {
				const { userId } = await db.session.findUniqueOrThrow({ where: { id } });
				await db.user.update({ where: { id: userId }, data: { totpEnabledAt: new Date() } });
			}
		]
	])('%s ends the sockets on both nodes within seconds', async (_, change) => {
		const { token, session } = await createUserWithSession(db, sessions, 'Lifetime');
		const keeper = await createUserWithSession(db, sessions, 'Keeper');
		const sockets = [await connect(a, token), await connect(b, token)];
		const keeperSocket = await connect(b, keeper.token);
		const gone = sockets.map((s) => revocation(s, LIFETIME_BUDGET_MS + 1_000));
		const reasons = sockets.map((s) => nextEvent(s, 'session:revoked', () => true, 10_000));
		const start = performance.now();
		await change(session.id);
		const results = await Promise.all(gone);
		for (const r of results) expect(r.revoked).toBe(true);
		expect(Math.max(...results.map((r) => r.at - start))).toBeLessThan(LIFETIME_BUDGET_MS);
		const expected = _.startsWith('two-factor') ? 'revoked' : 'expired';
		for (const r of await Promise.all(reasons)) expect(r.reason).toBe(expected);
		expect(keeperSocket.connected).toBe(true);
	});

	it('every command re-checks the expiry at once, without waiting for the periodic check', async () => {
		// A node whose periodic re-check is off, and a session that ends 1.5 s from now.
		const quiet = await startNode(db, sessions);
		quiet.app.sessions.stop();
		const { token, session } = await createUserWithSession(db, sessions, 'Soon');
		await db.session.update({
			where: { id: session.id },
			data: { expiresAt: new Date(Date.now() + 1_500) }
		});
		const s = await connect(quiet, token);
		const early = await request(s, 'clock:ping', { t0: 1 });
		expect(early.ok).toBe(true);
		await new Promise((r) => setTimeout(r, 1_600));
		const late = await request(s, 'clock:ping', { t0: 2 });
		expect(late).toEqual({
			ok: false,
			error: { code: 'UNAUTHENTICATED', message: 'Your session has expired' }
		});
		await eventually(() => !s.connected, 'the socket is closed');
		await quiet.stop();
	});

	it('a session the web app extended keeps its sockets past the old expiry', async () => {
		const { token, session } = await createUserWithSession(db, sessions, 'Extended');
		await db.session.update({
			where: { id: session.id },
			data: { expiresAt: new Date(Date.now() + 1_000) }
		});
		const s = await connect(b, token);
		// As a page load would: the expiry moves forward; the node's re-check picks it up.
		await db.session.update({
			where: { id: session.id },
			data: { expiresAt: new Date(Date.now() + 60_000) }
		});
		await b.app.sessions.sweep();
		await new Promise((r) => setTimeout(r, 1_200));
		expect((await request(s, 'clock:ping', { t0: 1 })).ok).toBe(true);
		expect(s.connected).toBe(true);
	});
});
