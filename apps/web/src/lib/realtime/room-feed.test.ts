import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoomFeed, type EventKind } from './room-feed';

const joinedAt = (version: number) => {
	const feed = new RoomFeed();
	feed.snapshot(version, true);
	return feed;
};

describe('RoomFeed', () => {
	it('applies the next version and the same version again (one mutation, several events)', () => {
		const feed = joinedAt(4);
		expect(feed.receive(5, 'full')).toEqual({ apply: true, sync: false });
		expect(feed.receive(5, 'full')).toEqual({ apply: true, sync: false });
		expect(feed.receive(6, 'delta')).toEqual({ apply: true, sync: false });
		expect(feed.version).toBe(6);
		expect(feed.needsSync).toBe(false);
	});

	it('ignores older versions and a delta repeated at the shown version', () => {
		const feed = joinedAt(4);
		expect(feed.receive(3, 'full')).toEqual({ apply: false, sync: false });
		expect(feed.receive(4, 'delta')).toEqual({ apply: false, sync: false });
		expect(feed.version).toBe(4);
	});

	it('after a gap applies full events, not deltas, and wants a snapshot', () => {
		const feed = joinedAt(4);
		expect(feed.receive(6, 'delta')).toEqual({ apply: false, sync: true });
		expect(feed.version).toBe(4);
		expect(feed.receive(8, 'full')).toEqual({ apply: true, sync: true });
		expect(feed.version).toBe(8);
		// Still behind: 5..7 were never applied, though the shown version says 8.
		expect(feed.needsSync).toBe(true);
		// The next event continues from 8 but does not cover the hole.
		expect(feed.receive(9, 'delta')).toEqual({ apply: true, sync: true });
		expect(feed.snapshot(9, false)).toBe(true);
		expect(feed.needsSync).toBe(false);
	});

	it('refuses a sync answer older than what is shown, and keeps wanting one', () => {
		const feed = joinedAt(4);
		feed.receive(7, 'full');
		expect(feed.snapshot(6, false)).toBe(false);
		expect(feed.version).toBe(7);
		expect(feed.needsSync).toBe(true);
	});

	it('applies nothing while not joined, but remembers what it saw for the join to catch up', () => {
		const feed = new RoomFeed();
		expect(feed.receive(5, 'full')).toEqual({ apply: false, sync: false });
		expect(feed.snapshot(4, false)).toBe(false);
		expect(feed.snapshot(4, true)).toBe(true);
		expect(feed.needsSync).toBe(true);
	});

	it('after the socket drops, applies nothing until the next join, whose snapshot always counts', () => {
		const feed = joinedAt(10);
		feed.left();
		expect(feed.receive(11, 'full').apply).toBe(false);
		expect(feed.needsSync).toBe(false);
		// A new socket starts over, even at a lower version (a restored database, say).
		expect(feed.snapshot(9, true)).toBe(true);
		expect(feed.version).toBe(9);
	});

	it('a version beacon ahead of what is shown asks for a snapshot; one at or behind does not', () => {
		const feed = joinedAt(4);
		expect(feed.beacon(4)).toBe(false);
		expect(feed.beacon(3)).toBe(false);
		expect(feed.beacon(5)).toBe(true);
		// The broadcast it stands for arrives after all: caught up.
		feed.receive(5, 'full');
		expect(feed.needsSync).toBe(false);
	});

	// A model room: `full` mutations set a value, `delta` ones append to a log (as chat does).
	// Whatever the network does to the broadcasts (drop, repeat, reorder), a client that follows
	// the verdicts, syncs when told and hears the beacon ends equal to the server.
	it('converges to the server state whatever happens to the broadcasts', () => {
		const mutation = fc.constantFrom<EventKind>('full', 'delta');
		const fate = fc.constantFrom('deliver', 'drop', 'twice', 'late');
		fc.assert(
			fc.property(fc.array(fc.tuple(mutation, fate, fc.boolean()), { maxLength: 40 }), (steps) => {
				const server = { version: 0, value: 0, log: [] as number[] };
				const client = { value: 0, log: [] as number[] };
				const feed = new RoomFeed();
				const take = () => {
					if (!feed.snapshot(server.version, false)) return;
					client.value = server.value;
					client.log = [...server.log];
				};
				const deliver = (v: number, kind: EventKind, value: number) => {
					const verdict = feed.receive(v, kind);
					if (verdict.apply) {
						if (kind === 'full') client.value = value;
						else client.log.push(v);
					}
					if (verdict.sync && feed.needsSync) take();
				};
				feed.snapshot(0, true);
				const late: [number, EventKind, number][] = [];
				for (const [kind, what, flush] of steps) {
					const v = ++server.version;
					if (kind === 'full') server.value = v;
					else server.log.push(v);
					if (what === 'deliver' || what === 'twice') deliver(v, kind, server.value);
					if (what === 'twice') deliver(v, kind, server.value);
					if (what === 'late') late.push([v, kind, server.value]);
					if (flush) for (const e of late.splice(0)) deliver(...e);
				}
				for (const e of late.splice(0)) deliver(...e);
				if (feed.beacon(server.version)) take();
				expect(feed.needsSync).toBe(false);
				expect(feed.version).toBe(server.version);
				expect(client).toEqual({ value: server.value, log: server.log });
			})
		);
	});
});
