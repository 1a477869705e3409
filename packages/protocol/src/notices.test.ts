import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTICE_CHANNELS, parseNotice } from './notices.ts';

const MIGRATIONS = join(import.meta.dirname, '../../../prisma/migrations');
const ROOM = '5f0c3a52-7c1e-4d0a-9b7e-2d9b1f0e6c11';

describe('notice channels', () => {
	it('every channel the SQL migrations notify is one the realtime nodes listen on', () => {
		const channels = readdirSync(MIGRATIONS)
			.filter((f) => f.endsWith('.sql'))
			.flatMap((f) => [
				...readFileSync(join(MIGRATIONS, f), 'utf8').matchAll(/pg_notify\('([^']+)'/g)
			])
			.map((m) => m[1]);
		expect(channels.length).toBeGreaterThan(0);
		for (const c of channels) expect(Object.values(NOTICE_CHANNELS)).toContain(c);
	});

	it('parses good payloads and refuses every malformed one', () => {
		expect(parseNotice(NOTICE_CHANNELS.sessionRevoked, 'abc')).toEqual({
			channel: NOTICE_CHANNELS.sessionRevoked,
			sessionId: 'abc'
		});
		expect(
			parseNotice(NOTICE_CHANNELS.roomChanged, JSON.stringify({ roomId: ROOM, version: 7 }))
		).toEqual({ channel: NOTICE_CHANNELS.roomChanged, roomId: ROOM, version: 7 });
		for (const [channel, payload] of [
			[NOTICE_CHANNELS.sessionRevoked, ''],
			[NOTICE_CHANNELS.sessionRevoked, undefined],
			[NOTICE_CHANNELS.roomChanged, `${ROOM}:7`],
			[NOTICE_CHANNELS.roomChanged, '{'],
			[NOTICE_CHANNELS.roomChanged, JSON.stringify({ roomId: 'x', version: 1 })],
			[NOTICE_CHANNELS.roomChanged, JSON.stringify({ roomId: ROOM, version: 1.5 })],
			[NOTICE_CHANNELS.roomChanged, JSON.stringify({ roomId: ROOM, version: 1, more: 1 })],
			[NOTICE_CHANNELS.roomChanged, JSON.stringify([ROOM, 1])],
			['another_channel', 'abc']
		] as const) {
			expect(parseNotice(channel, payload), `${channel} ${payload}`).toBeNull();
		}
	});
});
