import type { Db } from '@chorus/db';
import type { SessionService } from '@chorus/auth';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUserWithSession } from '../../../tests/helpers.ts';
import { MAX_MESSAGE_BYTES } from '../src/app.ts';
import {
	ALLOWED_ORIGIN,
	client,
	connected,
	nextEvent,
	openDb,
	refused,
	startNode,
	type ClientSocket,
	type Node
} from './harness.ts';

let db: Db;
let sessions: SessionService;
let node: Node;
const sockets: ClientSocket[] = [];
const track = (s: ClientSocket) => (sockets.push(s), s);

beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	node = await startNode(db, sessions);
});
afterEach(() => {
	for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
	await node.stop();
	await db.$disconnect();
});

describe('authenticated connection', () => {
	it('connects with the session cookie and answers clock:ping', async () => {
		const { token } = await createUserWithSession(db, sessions);
		const s = track(client(node.url, { token }));
		await connected(s);
		const before = Date.now();
		const res = await s.timeout(2_000).emitWithAck('clock:ping', { t0: 123.25 });
		expect(res).toEqual({
			ok: true,
			data: { t0: 123.25, t1: expect.any(Number), t2: expect.any(Number) }
		});
		if (!res.ok) throw new Error('unreachable');
		expect(res.data.t2).toBeGreaterThanOrEqual(res.data.t1);
		expect(Math.abs(res.data.t1 - before)).toBeLessThan(1_000);
		// Sub-millisecond precision is what makes tight sync possible.
		const fractional = await Promise.all(
			Array.from({ length: 5 }, () => s.timeout(2_000).emitWithAck('clock:ping', { t0: 0 }))
		);
		expect(fractional.some((r) => r.ok && !Number.isInteger(r.data.t1))).toBe(true);
	});

	it('answers VALIDATION for a malformed payload and keeps the connection', async () => {
		const { token } = await createUserWithSession(db, sessions);
		const s = track(client(node.url, { token }));
		await connected(s);
		for (const payload of [{}, { t0: 'now' }, { t0: 1, extra: true }, null, 'x']) {
			const res = await s.timeout(2_000).emitWithAck('clock:ping', payload as never);
			expect(res.ok).toBe(false);
			if (!res.ok) expect(res.error.code).toBe('VALIDATION');
		}
		expect(s.connected).toBe(true);
		expect((await s.timeout(2_000).emitWithAck('clock:ping', { t0: 1 })).ok).toBe(true);
	});

	it('rejects unknown events with VALIDATION instead of leaving the ack hanging', async () => {
		const { token } = await createUserWithSession(db, sessions);
		const s = track(client(node.url, { token }));
		await connected(s);
		const res = await (
			s as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<any> } }
		)
			.timeout(2_000)
			.emitWithAck('admin:drop-tables', {});
		expect(res).toEqual({
			ok: false,
			error: { code: 'VALIDATION', message: expect.stringMatching(/Unknown event/) }
		});
	});

	it('disconnects a client that sends an oversized message', async () => {
		const { token } = await createUserWithSession(db, sessions);
		const s = track(client(node.url, { token }));
		await connected(s);
		const gone = new Promise<string>((r) => s.once('disconnect', r));
		s.emit('clock:ping', { t0: 1, pad: 'x'.repeat(MAX_MESSAGE_BYTES * 2) } as never, () => {});
		expect(await gone).toMatch(/transport close|parse error|transport error/);
	});

	it("tells each of a user's sockets how many are open", async () => {
		const { user, token } = await createUserWithSession(db, sessions);
		const a = track(client(node.url, { token }));
		const first = nextEvent(a, 'devices:state');
		await connected(a);
		expect(await first).toEqual({ connections: 1 });
		const two = nextEvent(a, 'devices:state', (p) => p.connections === 2);
		const { token: token2 } = await sessions.create(user.id);
		const b = track(client(node.url, { token: token2 }));
		await connected(b);
		expect(await two).toEqual({ connections: 2 });
		const back = nextEvent(a, 'devices:state', (p) => p.connections === 1);
		b.disconnect();
		expect(await back).toEqual({ connections: 1 });
	});
});

describe('refused handshakes', () => {
	it('without a cookie: UNAUTHENTICATED', async () => {
		const err = await refused(track(client(node.url, { token: null })));
		expect(err.data).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
	});

	it('with a forged or malformed token: UNAUTHENTICATED', async () => {
		const { token } = await createUserWithSession(db, sessions);
		const forged = `${token.slice(0, 25)}${'a'.repeat(24)}`;
		for (const t of [forged, 'garbage', `${'a'.repeat(24)}.${'b'.repeat(24)}`]) {
			const err = await refused(track(client(node.url, { token: t })));
			expect(err.data?.code).toBe('UNAUTHENTICATED');
		}
	});

	it('with an expired session: UNAUTHENTICATED, and the session is gone', async () => {
		const { token, session } = await createUserWithSession(db, sessions);
		await db.session.update({
			where: { id: session.id },
			data: { expiresAt: new Date(Date.now() - 1000) }
		});
		const err = await refused(track(client(node.url, { token })));
		expect(err.data?.code).toBe('UNAUTHENTICATED');
		expect(await db.session.findUnique({ where: { id: session.id } })).toBeNull();
	});

	it('with a signed-out session: UNAUTHENTICATED', async () => {
		const { token, session } = await createUserWithSession(db, sessions);
		await sessions.invalidate(session.id);
		expect((await refused(track(client(node.url, { token })))).data?.code).toBe('UNAUTHENTICATED');
	});

	it('from a foreign Origin, even with a valid cookie', async () => {
		const { token } = await createUserWithSession(db, sessions);
		const err = await refused(track(client(node.url, { token, origin: 'https://evil.example' })));
		expect(err).toBeInstanceOf(Error);
		// The HTTP handshake itself is refused before any session lookup.
		const cookie = `chorus_session=${token}`;
		const evil = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`, {
			headers: { origin: 'https://evil.example', cookie }
		});
		expect(evil.status).toBe(403);
		const good = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`, {
			headers: { origin: ALLOWED_ORIGIN, cookie }
		});
		expect(good.status).toBe(200);
	});

	it('accepts a client that sends no Origin (not a browser) when its session is valid', async () => {
		const { token } = await createUserWithSession(db, sessions);
		await connected(track(client(node.url, { token, origin: null })));
	});
});

async function twoFactorUser() {
	const { user } = await createUserWithSession(db, sessions);
	await db.user.update({
		where: { id: user.id },
		data: { totpEnabledAt: new Date(), totpKey: new Uint8Array(40) }
	});
	return user;
}

describe('two-factor sessions on the realtime handshake', () => {
	it('a session that still owes its second factor is refused: UNAUTHENTICATED', async () => {
		const user = await twoFactorUser();
		const { token } = await sessions.create(user.id, {}, { twoFactorVerified: false });
		const err = await refused(track(client(node.url, { token })));
		expect(err.data).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
		// The pending session itself is kept: the web app may still finish signing in with it.
		expect(await db.session.count({ where: { userId: user.id } })).toBeGreaterThan(0);
	});

	it('a verified session of the same account connects', async () => {
		const user = await twoFactorUser();
		const { token } = await sessions.create(user.id, {}, { twoFactorVerified: true });
		await connected(track(client(node.url, { token })));
	});

	it('accounts without 2FA connect whatever the flag says', async () => {
		const { token } = await createUserWithSession(db, sessions);
		await connected(track(client(node.url, { token })));
	});
});

describe('health', () => {
	it('GET /healthz checks the database', async () => {
		const res = await fetch(`${node.url}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: 'ok', checks: { postgres: 'ok' } });
	});
});

describe.skipIf(!inject('redisUrl'))('two nodes through Redis', () => {
	let a: Node;
	let b: Node;
	beforeAll(async () => {
		a = await startNode(db, sessions, inject('redisUrl')!);
		b = await startNode(db, sessions, inject('redisUrl')!);
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
	});

	it('a broadcast from one node reaches a client on the other', async () => {
		const { user, token } = await createUserWithSession(db, sessions);
		const onA = track(client(a.url, { token }));
		await connected(onA);
		await nextEvent(onA, 'devices:state', (p) => p.connections === 1);

		// Node B counts sockets across both nodes and emits to the user's room through Redis.
		const seen = nextEvent(onA, 'devices:state', (p) => p.connections === 2);
		const { token: token2 } = await sessions.create(user.id);
		const onB = track(client(b.url, { token: token2 }));
		await connected(onB);
		expect(await seen).toEqual({ connections: 2 });

		const after = nextEvent(onB, 'devices:state', (p) => p.connections === 1);
		onA.disconnect();
		expect(await after).toEqual({ connections: 1 });
	});
});
