import type { Db } from '@chorus/db';
import type { SessionService } from '@chorus/auth';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUserWithSession } from '../../../tests/helpers.ts';
import {
	client,
	connected,
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
