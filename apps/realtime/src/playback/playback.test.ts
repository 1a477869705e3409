import { DEFAULT_ROOM_SETTINGS } from '@chorus/protocol';
import { describe, expect, it } from 'vitest';
import { endsAtMs } from './playback.service.ts';
import type { RoomRow } from '../engine/index.ts';

const room = (over: Partial<RoomRow>): RoomRow => ({
	id: 'r',
	name: 'n',
	description: '',
	hostId: null,
	...DEFAULT_ROOM_SETTINGS,
	settings: DEFAULT_ROOM_SETTINGS,
	version: 1,
	currentItemId: 'item',
	anchorMs: 1_000,
	positionMs: 0,
	paused: false,
	closed: false,
	timelineVersion: 0,
	createdAt: new Date(0),
	...over
});

describe('timeline end', () => {
	it('ends at anchor + remaining duration while playing', () => {
		expect(endsAtMs(room({}), 180_000)).toBe(181_000);
		expect(endsAtMs(room({ positionMs: 60_000 }), 180_000)).toBe(121_000);
	});

	it('never ends while paused or idle (so the ticker cannot advance it)', () => {
		expect(endsAtMs(room({ paused: true }), 180_000)).toBeNull();
		expect(endsAtMs(room({ currentItemId: null }), 180_000)).toBeNull();
	});
});
