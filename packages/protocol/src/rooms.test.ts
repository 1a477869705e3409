import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	DEFAULT_ROOM_SETTINGS,
	can,
	chatSendSchema,
	orderQueue,
	permissionsFor,
	queueAddSchema,
	roomUpdateSchema,
	skipVotesNeeded,
	voteCastSchema,
	withOwnVotes,
	applyQueueVoted,
	type Orderable,
	type QueueItem,
	type QueueVoted
} from './rooms.ts';

const item = (
	id: string,
	addedBy: string,
	score: number,
	addedAtMs: number,
	pinRank: number | null = null
): Orderable => ({
	id,
	addedBy,
	score,
	addedAtMs,
	pinRank
});

describe('orderQueue', () => {
	it('puts pinned first, then higher score, then earlier added', () => {
		const items = [
			item('a', 'u1', 0, 1),
			item('b', 'u1', 2, 2),
			item('c', 'u2', 2, 3),
			item('d', 'u2', -1, 0),
			item('e', 'u3', -5, 9, 1),
			item('f', 'u3', 0, 8, 0)
		];
		expect(orderQueue(items, false).map((i) => i.id)).toEqual(['f', 'e', 'b', 'c', 'a', 'd']);
	});

	it('fair rotation deals one item per member per round', () => {
		const items = [
			item('a1', 'a', 5, 1),
			item('a2', 'a', 4, 2),
			item('a3', 'a', 3, 3),
			item('b1', 'b', 0, 4),
			item('c1', 'c', 1, 5),
			item('c2', 'c', 0, 6)
		];
		expect(orderQueue(items, true).map((i) => i.id)).toEqual(['a1', 'c1', 'b1', 'a2', 'c2', 'a3']);
	});

	it("is a permutation, deterministic, and keeps each member's own order (property)", () => {
		const arb = fc.array(
			fc.record({
				addedBy: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
				score: fc.integer({ min: -3, max: 3 }),
				addedAtMs: fc.integer({ min: 0, max: 20 }),
				pinRank: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null })
			}),
			{ maxLength: 30 }
		);
		fc.assert(
			fc.property(arb, fc.boolean(), (raw, fair) => {
				const items = raw.map((r, i) => ({ ...r, id: `i${String(i).padStart(2, '0')}` }));
				const out = orderQueue(items, fair);
				expect(out.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());
				expect(orderQueue([...items].reverse(), fair)).toEqual(out);
				const firstUnpinned = out.findIndex((i) => i.pinRank === null);
				if (firstUnpinned >= 0)
					expect(out.slice(firstUnpinned).every((i) => i.pinRank === null)).toBe(true);
				const rest = firstUnpinned < 0 ? [] : out.slice(firstUnpinned);
				const sorted = (list: Orderable[]) =>
					list.every((x, i) => i === 0 || list[i - 1]!.score >= x.score);
				// Without fair rotation the unpinned part is by score; with it, each member's own part is.
				if (!fair) expect(sorted(rest)).toBe(true);
				for (const who of ['u1', 'u2', 'u3', 'u4']) {
					expect(sorted(rest.filter((i) => i.addedBy === who))).toBe(true);
				}
			})
		);
	});
});

describe('permissions', () => {
	it('gives listeners chat and adding by default, staff the rest, the host settings', () => {
		expect(permissionsFor('listener', DEFAULT_ROOM_SETTINGS).sort()).toEqual([
			'chat',
			'queue:add',
			'queue:add-library'
		]);
		expect(can('cohost', 'moderate', DEFAULT_ROOM_SETTINGS)).toBe(true);
		expect(can('cohost', 'settings', DEFAULT_ROOM_SETTINGS)).toBe(false);
		expect(can('host', 'settings', DEFAULT_ROOM_SETTINGS)).toBe(true);
	});

	it('follows the add policy and the guest-controls toggle', () => {
		const hostsOnly = { ...DEFAULT_ROOM_SETTINGS, addPolicy: 'hosts' as const };
		expect(can('listener', 'queue:add', hostsOnly)).toBe(false);
		expect(can('cohost', 'queue:add', hostsOnly)).toBe(true);
		expect(can('listener', 'playback:control', DEFAULT_ROOM_SETTINGS)).toBe(false);
		expect(
			can('listener', 'playback:control', { ...DEFAULT_ROOM_SETTINGS, guestControls: true })
		).toBe(true);
	});

	it('lets guests add from the library only when the room allows it', () => {
		const guest = { isGuest: true };
		expect(can('listener', 'queue:add', DEFAULT_ROOM_SETTINGS, guest)).toBe(true);
		expect(can('listener', 'queue:add-library', DEFAULT_ROOM_SETTINGS, guest)).toBe(false);
		const open = { ...DEFAULT_ROOM_SETTINGS, guestsAddFromLibrary: true };
		expect(can('listener', 'queue:add-library', open, guest)).toBe(true);
		// Adding at all still follows the add policy.
		expect(can('listener', 'queue:add-library', { ...open, addPolicy: 'hosts' }, guest)).toBe(
			false
		);
		expect(can('cohost', 'queue:add-library', DEFAULT_ROOM_SETTINGS, guest)).toBe(false);
	});
});

describe('skipVotesNeeded', () => {
	it('is ceil(percent of present listeners), at least one', () => {
		expect(skipVotesNeeded(0, 50)).toBe(1);
		expect(skipVotesNeeded(1, 50)).toBe(1);
		expect(skipVotesNeeded(3, 50)).toBe(2);
		expect(skipVotesNeeded(4, 50)).toBe(2);
		expect(skipVotesNeeded(10, 100)).toBe(10);
		expect(skipVotesNeeded(7, 1)).toBe(1);
	});
});

describe('payload schemas', () => {
	const roomId = '0b6f6c4e-55d4-4d8e-9b1a-2f0b1f5b9e0a';
	it('are strict and check ids, mutation ids and values', () => {
		expect(queueAddSchema.safeParse({ roomId, trackId: roomId, mutationId: 'm-1' }).success).toBe(
			true
		);
		expect(queueAddSchema.safeParse({ roomId, trackId: roomId, mutationId: 'm 1' }).success).toBe(
			false
		);
		expect(
			queueAddSchema.safeParse({ roomId, trackId: roomId, mutationId: 'x', extra: 1 }).success
		).toBe(false);
		expect(
			voteCastSchema.safeParse({ roomId, itemId: roomId, value: 2, mutationId: 'a' }).success
		).toBe(false);
		expect(
			voteCastSchema.safeParse({ roomId, itemId: roomId, value: 0, mutationId: 'a' }).success
		).toBe(true);
		expect(roomUpdateSchema.safeParse({ roomId, mutationId: 'a' }).success).toBe(false);
	});

	it('chat bodies keep newlines but refuse other control and format characters', () => {
		const send = (body: string) => chatSendSchema.safeParse({ roomId, mutationId: 'a', body });
		expect(send('two\nlines').success).toBe(true);
		expect(send('bell\u0007').success).toBe(false);
		expect(send('rtl\u202Eoverride').success).toBe(false);
		expect(send('   ').success).toBe(false);
		expect(send('x'.repeat(501)).success).toBe(false);
	});
});

describe('a client following queue:voted deltas', () => {
	const track = {
		title: 't',
		artist: 'a',
		album: null,
		durationMs: 1,
		coverUrl: '',
		streamUrl: ''
	};
	const asItem = (o: Orderable, myVote: -1 | 0 | 1 = 0): QueueItem => ({
		id: o.id,
		trackId: o.id,
		addedBy: o.addedBy,
		addedByName: null,
		score: o.score,
		up: Math.max(o.score, 0),
		down: Math.max(-o.score, 0),
		myVote,
		pinned: o.pinRank !== null,
		addedAt: new Date(o.addedAtMs).toISOString(),
		track
	});

	it('ends where a full queue:updated would: same items, tallies and order (property)', () => {
		const arb = fc
			.record({
				items: fc.uniqueArray(
					fc.record({
						id: fc.string({ minLength: 1, maxLength: 3 }),
						addedBy: fc.constantFrom('u1', 'u2', 'u3'),
						score: fc.integer({ min: -3, max: 3 }),
						addedAtMs: fc.integer({ min: 0, max: 20 }),
						pinRank: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null })
					}),
					{ minLength: 1, maxLength: 12, selector: (i) => i.id }
				),
				pick: fc.nat(),
				score: fc.integer({ min: -4, max: 4 }),
				fair: fc.boolean(),
				mine: fc.constantFrom(-1, 0, 1, undefined)
			})
			.map((x) => ({ ...x, target: x.items[x.pick % x.items.length]! }));
		fc.assert(
			fc.property(arb, ({ items, target, score, fair, mine }) => {
				const before = orderQueue(items, fair);
				const after = orderQueue(
					items.map((i) => (i.id === target.id ? { ...i, score } : i)),
					fair
				);
				const client = before.map((i) => asItem(i));
				const changed = before.some((i, k) => i.id !== after[k]!.id);
				const voted: QueueVoted = {
					roomId: 'r',
					version: 2,
					itemId: target.id,
					score,
					up: Math.max(score, 0),
					down: Math.max(-score, 0),
					...(changed ? { order: after.map((i) => i.id) } : {}),
					...(mine === undefined ? {} : { myVote: mine as -1 | 0 | 1 })
				};
				const expected = after.map((i) =>
					asItem(i, i.id === target.id ? ((mine ?? 0) as -1 | 0 | 1) : 0)
				);
				expect(applyQueueVoted(client, voted)).toEqual(expected);
			})
		);
	});

	it('queue:updated keeps my own votes by item id; new items start at 0', () => {
		const previous = [asItem(item('a', 'u1', 1, 1), 1), asItem(item('b', 'u1', -1, 2), -1)];
		const entries = [item('b', 'u1', -1, 2), item('c', 'u2', 0, 3)].map((o) => {
			const { myVote: _, ...entry } = asItem(o);
			return entry;
		});
		expect(withOwnVotes(entries, previous).map((i) => [i.id, i.myVote])).toEqual([
			['b', -1],
			['c', 0]
		]);
	});
});
