import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createUserWithSession } from '../../../tests/helpers.ts';
import { startRealtime } from '../../../tests/servers.ts';
import { ALLOWED_ORIGIN, client, connected, openDb } from './harness.ts';

const { db, sessions } = openDb(inject('databaseUrl'));
beforeAll(() => db.$connect());
afterAll(() => db.$disconnect());

it('drains on SIGTERM: sockets are told to go, the process exits 0', async () => {
	const node = await startRealtime({
		DATABASE_URL: inject('databaseUrl'),
		REALTIME_ALLOWED_ORIGINS: ALLOWED_ORIGIN
	});
	const { token } = await createUserWithSession(db, sessions);
	const socket = client(node.url, { token });
	await connected(socket);

	const disconnected = new Promise<string>((r) => socket.once('disconnect', r));
	const exited = new Promise<number | null>((r) => node.child.once('exit', r));
	node.child.kill('SIGTERM');
	// "io server disconnect" = the server closed it deliberately (clients then reconnect elsewhere).
	expect(await disconnected).toMatch(/io server disconnect|transport close/);
	expect(await exited).toBe(0);
	expect(node.output()).not.toMatch(/Error/);
});
