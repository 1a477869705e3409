// The web app changes rooms outside any socket command (account deletion: members, votes, the
// host). It bumps the room version and notifies; a node serving the room broadcasts the state.
import type { SessionService } from '@chorus/auth';
import type { Db } from '@chorus/db';
import { NOTICE_CHANNELS, type RoomSnapshot } from '@chorus/protocol';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addMember, createRoom, createUserWithSession } from '../../../tests/helpers.ts';
import { client, connected, nextEvent, ok, openDb, startNode, type Node } from './harness.ts';

let db: Db;
let sessions: SessionService;
let node: Node;

beforeAll(async () => {
	({ db, sessions } = openDb(inject('databaseUrl')));
	node = await startNode(db, sessions, { databaseUrl: inject('databaseUrl') });
});
afterAll(async () => {
	await node?.stop();
	await db.$disconnect();
});

describe('rooms changed by the web app', () => {
	it('members see the new host and member list at the bumped version, without asking', async () => {
		const host = await createUserWithSession(db, sessions);
		const heir = await createUserWithSession(db, sessions);
		const room = await createRoom(db, host.user.id);
		await addMember(db, room.id, heir.user.id, 'cohost');
		const socket = client(node.url, { token: heir.token });
		try {
			await connected(socket);
			const snap = ok(
				await socket.timeout(5_000).emitWithAck('room:join', { roomId: room.id })
			) as RoomSnapshot;

			const roomUpdated = nextEvent(socket, 'room:updated');
			const membersUpdated = nextEvent(socket, 'members:updated');
			// What the web app's account deletion does for a hosted room, in one transaction.
			await db.$transaction(async (tx) => {
				await tx.roomMember.update({
					where: { roomId_userId: { roomId: room.id, userId: heir.user.id } },
					data: { role: 'host' }
				});
				await tx.room.update({ where: { id: room.id }, data: { hostId: heir.user.id } });
				await tx.roomMember.delete({
					where: { roomId_userId: { roomId: room.id, userId: host.user.id } }
				});
				await tx.$executeRaw`
					WITH changed AS (
						UPDATE rooms SET version = version + 1 WHERE id = ${room.id}::uuid
						RETURNING id, version)
					SELECT pg_notify(${NOTICE_CHANNELS.roomChanged},
						json_build_object('roomId', id, 'version', version)::text)
					FROM changed`;
			});

			const updated = await roomUpdated;
			expect(updated.room.hostId).toBe(heir.user.id);
			// Rendered by the node at the version after the web app's own bump.
			expect(updated.version).toBe(snap.version + 2);
			const members = await membersUpdated;
			expect(members.version).toBe(updated.version);
			expect(members.members.map((m) => [m.userId, m.role])).toEqual([[heir.user.id, 'host']]);
		} finally {
			socket.disconnect();
		}
	});

	it('a node with no socket in the room leaves it alone; malformed payloads are ignored', async () => {
		const host = await createUserWithSession(db, sessions);
		const room = await createRoom(db, host.user.id);
		const before = Number((await db.room.findUniqueOrThrow({ where: { id: room.id } })).version);
		const notify = (payload: string) =>
			db.$executeRaw`SELECT pg_notify(${NOTICE_CHANNELS.roomChanged}, ${payload})`;
		await notify(JSON.stringify({ roomId: room.id, version: before }));
		for (const bad of [
			`${room.id}:${before}`,
			'{"roomId":"not-a-room","version":1}',
			JSON.stringify({ roomId: room.id, version: -1 }),
			JSON.stringify({ roomId: room.id, version: before, extra: true }),
			'{'
		])
			await notify(bad);
		await new Promise((r) => setTimeout(r, 300));
		expect((await db.room.findUniqueOrThrow({ where: { id: room.id } })).version).toBe(
			BigInt(before)
		);
	});
});
