// nosniff on every answer; /metrics only for this host, or for the bearer of METRICS_TOKEN.
import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUserWithSession, lanAddress } from '../../../tests/helpers.ts';
import { ALLOWED_ORIGIN, client, connected, openDb, startNode, type Node } from './harness.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

let db: Db;
let sessions: SessionService;
let open: Node;
let guarded: Node;
beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	open = await startNode(db, sessions, { host: '0.0.0.0' });
	guarded = await startNode(db, sessions, { host: '0.0.0.0', metricsToken: TOKEN });
});
afterAll(async () => {
	await Promise.all([open?.stop(), guarded?.stop()]);
	await db.$disconnect();
});

const port = (n: Node) => new URL(n.url).port;

describe('nosniff', () => {
	it('is on Express routes, 404s, metrics refusals and Socket.IO answers alike', async () => {
		const urls = [
			`${open.url}/healthz`,
			`${open.url}/no-such-path`,
			`${open.url}/metrics`,
			`${guarded.url}/metrics`,
			`${open.url}/socket.io/?EIO=4&transport=polling`
		];
		for (const url of urls) {
			const res = await fetch(url, { headers: { origin: ALLOWED_ORIGIN } });
			expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
		}
		// Refused by the Origin allow-list inside engine.io, before Express.
		const evil = await fetch(`${open.url}/socket.io/?EIO=4&transport=polling`, {
			headers: { origin: 'https://evil.example' }
		});
		expect(evil.status).toBeGreaterThanOrEqual(400);
		expect(evil.headers.get('x-content-type-options')).toBe('nosniff');
		// Sockets still connect.
		const { token } = await createUserWithSession(db, sessions);
		const socket = client(open.url, { token });
		try {
			await connected(socket);
		} finally {
			socket.disconnect();
		}
	});
});

describe('/metrics without METRICS_TOKEN', () => {
	it('answers a scraper on this host', async () => {
		const res = await fetch(`${open.url}/metrics`);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('chorus_realtime_connected_sockets');
	});

	it('refuses requests a proxy forwarded, even over loopback', async () => {
		const forwarded: Record<string, string>[] = [
			{ 'x-forwarded-for': '203.0.113.9' },
			{ forwarded: 'for=203.0.113.9' },
			{ 'x-real-ip': '203.0.113.9' }
		];
		for (const headers of forwarded) {
			const res = await fetch(`${open.url}/metrics`, { headers });
			expect(res.status).toBe(403);
			expect((await res.json()).error.code).toBe('FORBIDDEN');
		}
	});

	it.skipIf(!lanAddress)('refuses peers that are not on loopback', async () => {
		const res = await fetch(`http://${lanAddress}:${port(open)}/metrics`);
		expect(res.status).toBe(403);
		expect(await res.text()).not.toContain('process_cpu');
	});
});

describe('/metrics with METRICS_TOKEN', () => {
	it('needs the bearer token, from anywhere (loopback included)', async () => {
		const bare = await fetch(`${guarded.url}/metrics`);
		expect(bare.status).toBe(401);
		expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
		for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
			const res = await fetch(`${guarded.url}/metrics`, { headers: { authorization } });
			expect(res.status, authorization).toBe(401);
		}
		const ok = await fetch(`${guarded.url}/metrics`, {
			headers: { authorization: `Bearer ${TOKEN}` }
		});
		expect(ok.status).toBe(200);
		expect(await ok.text()).toContain('chorus_realtime_connected_sockets');
	});

	it.skipIf(!lanAddress)('lets a remote scraper in with it', async () => {
		const url = `http://${lanAddress}:${port(guarded)}/metrics`;
		expect((await fetch(url)).status).toBe(401);
		const ok = await fetch(url, { headers: { authorization: `bearer ${TOKEN}` } });
		expect(ok.status).toBe(200);
	});
});
