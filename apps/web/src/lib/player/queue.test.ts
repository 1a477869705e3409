import { describe, expect, it } from 'vitest';
import {
	append,
	clearQueue,
	describeSource,
	runsBySource,
	sameSource,
	startIndexFor,
	type QueueSource,
	emptyQueue,
	insertNext,
	jumpTo,
	move,
	moveToNext,
	nextIndex,
	nextLoopMode,
	previousIndex,
	removeAt,
	setShuffle,
	shuffled,
	startQueue,
	type QueueState
} from './queue.ts';

/** A deterministic "random" sequence. */
function seq(...values: number[]) {
	let i = 0;
	return () => values[i++ % values.length]!;
}

const q = (
	items: string[],
	index: number,
	original: string[] | null = null
): QueueState<string> => ({
	items,
	index,
	original
});

describe('loop modes', () => {
	it('cycles off -> all -> one -> off', () => {
		expect(nextLoopMode('off')).toBe('all');
		expect(nextLoopMode('all')).toBe('one');
		expect(nextLoopMode('one')).toBe('off');
	});
});

describe('nextIndex', () => {
	it('moves on to the following item', () => {
		expect(nextIndex(3, 0, 'off', 'user')).toBe(1);
		expect(nextIndex(3, 1, 'off', 'auto')).toBe(2);
	});
	it('stops after the last item without loop', () => {
		expect(nextIndex(3, 2, 'off', 'auto')).toBeNull();
		expect(nextIndex(3, 2, 'off', 'user')).toBeNull();
	});
	it('wraps to the first item with loop all', () => {
		expect(nextIndex(3, 2, 'all', 'auto')).toBe(0);
		expect(nextIndex(3, 2, 'all', 'user')).toBe(0);
		expect(nextIndex(1, 0, 'all', 'auto')).toBe(0);
	});
	it('repeats the track at its end with loop one, but a user skip still moves on', () => {
		expect(nextIndex(3, 1, 'one', 'auto')).toBe(1);
		expect(nextIndex(3, 1, 'one', 'user')).toBe(2);
		expect(nextIndex(3, 2, 'one', 'user')).toBeNull();
	});
	it('has nothing to play in an empty queue', () => {
		expect(nextIndex(0, -1, 'all', 'auto')).toBeNull();
		expect(nextIndex(0, -1, 'one', 'auto')).toBeNull();
	});
});

describe('previousIndex', () => {
	it('restarts the track when more than 3 s in', () => {
		expect(previousIndex(3, 1, 'off', 3001)).toEqual({ index: 1, restart: true });
		expect(previousIndex(3, 0, 'all', 60_000)).toEqual({ index: 0, restart: true });
	});
	it('goes to the previous item within the first 3 s', () => {
		expect(previousIndex(3, 1, 'off', 3000)).toEqual({ index: 0, restart: false });
		expect(previousIndex(3, 2, 'one', 0)).toEqual({ index: 1, restart: false });
	});
	it('restarts the first item, or wraps to the last with loop all', () => {
		expect(previousIndex(3, 0, 'off', 500)).toEqual({ index: 0, restart: true });
		expect(previousIndex(3, 0, 'one', 500)).toEqual({ index: 0, restart: true });
		expect(previousIndex(3, 0, 'all', 500)).toEqual({ index: 2, restart: false });
		expect(previousIndex(1, 0, 'all', 500)).toEqual({ index: 0, restart: true });
	});
	it('does nothing without a queue', () => {
		expect(previousIndex(0, -1, 'off', 0)).toBeNull();
	});
});

describe('startQueue', () => {
	it('plays in order from the start index', () => {
		expect(startQueue(['a', 'b', 'c'], 1, false)).toEqual(q(['a', 'b', 'c'], 1));
	});
	it('clamps a start index out of range', () => {
		expect(startQueue(['a', 'b'], 5, false).index).toBe(1);
		expect(startQueue(['a', 'b'], -2, false).index).toBe(0);
		expect(startQueue([], 0, false)).toEqual(emptyQueue());
	});
	it('with shuffle plays the chosen item first and keeps the original order', () => {
		const s = startQueue(['a', 'b', 'c', 'd'], 2, true, seq(0));
		expect(s.items[0]).toBe('c');
		expect(s.index).toBe(0);
		expect([...s.items].sort()).toEqual(['a', 'b', 'c', 'd']);
		expect(s.original).toEqual(['a', 'b', 'c', 'd']);
	});
	it('does not keep a reference to the caller array', () => {
		const input = ['a', 'b'];
		const s = startQueue(input, 0, false);
		input.push('c');
		expect(s.items).toEqual(['a', 'b']);
	});
});

describe('shuffle', () => {
	it('shuffled() is a permutation and leaves its input alone', () => {
		const input = ['a', 'b', 'c', 'd', 'e'];
		const out = shuffled(input, seq(0.9, 0.1, 0.5, 0.3));
		expect([...out].sort()).toEqual(input);
		expect(input).toEqual(['a', 'b', 'c', 'd', 'e']);
	});
	it('shuffled() with random()=0 rotates deterministically (Fisher-Yates)', () => {
		expect(shuffled([1, 2, 3, 4], () => 0)).toEqual([2, 3, 4, 1]);
	});
	it('turning shuffle on keeps the current item current, first', () => {
		const s = setShuffle(q(['a', 'b', 'c', 'd'], 2), true, () => 0);
		expect(s.items[s.index]).toBe('c');
		expect(s.index).toBe(0);
		expect(s.items).toHaveLength(4);
		expect(s.original).toEqual(['a', 'b', 'c', 'd']);
	});
	it('turning shuffle off restores the order on the same current item', () => {
		const on = setShuffle(q(['a', 'b', 'c', 'd'], 1), true, () => 0);
		const moved = jumpTo(on, 2);
		const current = moved.items[2];
		const off = setShuffle(moved, false);
		expect(off.items).toEqual(['a', 'b', 'c', 'd']);
		expect(off.items[off.index]).toBe(current);
		expect(off.original).toBeNull();
	});
	it('items queued while shuffled keep their place when shuffle goes off', () => {
		let s = setShuffle(q(['a', 'b', 'c'], 0), true, () => 0);
		s = append(s, 'z');
		s = insertNext(s, 'n');
		s = removeAt(s, s.items.indexOf('b'));
		const off = setShuffle(s, false);
		// "n" went in after the current item "a", "z" at the end, "b" is gone.
		expect(off.items).toEqual(['a', 'n', 'c', 'z']);
		expect(off.items[off.index]).toBe('a');
	});
	it('is idempotent in both directions', () => {
		const s = q(['a', 'b'], 0);
		expect(setShuffle(s, false)).toBe(s);
		const on = setShuffle(s, true, () => 0);
		expect(setShuffle(on, true)).toBe(on);
	});
});

describe('queue editing', () => {
	it('insertNext puts the item right after the current one', () => {
		expect(insertNext(q(['a', 'b', 'c'], 0), 'x').items).toEqual(['a', 'x', 'b', 'c']);
		expect(insertNext(q(['a', 'b', 'c'], 2), 'x')).toEqual(q(['a', 'b', 'c', 'x'], 2));
	});
	it('insertNext and append on an empty queue make the item current', () => {
		expect(insertNext(emptyQueue<string>(), 'x')).toEqual(q(['x'], 0));
		expect(append(emptyQueue<string>(), 'x')).toEqual(q(['x'], 0));
	});
	it('append adds at the end and keeps the current item', () => {
		expect(append(q(['a', 'b'], 1), 'c')).toEqual(q(['a', 'b', 'c'], 1));
	});
	it('removing an earlier item keeps the same current item', () => {
		const s = removeAt(q(['a', 'b', 'c'], 2), 0);
		expect(s.items).toEqual(['b', 'c']);
		expect(s.items[s.index]).toBe('c');
	});
	it('removing a later item changes nothing else', () => {
		expect(removeAt(q(['a', 'b', 'c'], 0), 2)).toEqual(q(['a', 'b'], 0));
	});
	it('removing the current item makes the following one current', () => {
		const s = removeAt(q(['a', 'b', 'c'], 1), 1);
		expect(s.items[s.index]).toBe('c');
	});
	it('removing the current last item falls back to the previous one, the only one to empty', () => {
		expect(removeAt(q(['a', 'b'], 1), 1)).toEqual(q(['a'], 0));
		expect(removeAt(q(['a'], 0), 0)).toEqual(emptyQueue());
	});
	it('ignores indexes out of range', () => {
		const s = q(['a'], 0);
		expect(removeAt(s, 3)).toBe(s);
		expect(removeAt(s, -1)).toBe(s);
		expect(move(s, 0, 4)).toBe(s);
		expect(jumpTo(s, 1)).toBe(s);
	});
	it('a duplicate entry is removed only once (items compare by identity)', () => {
		const x = { id: 't1' };
		const y = { id: 't1' };
		const s = removeAt({ items: [x, y], index: 0, original: null }, 1);
		expect(s.items).toEqual([x]);
		expect(s.items[0]).toBe(x);
	});
	it('move reorders and follows the current item', () => {
		expect(move(q(['a', 'b', 'c', 'd'], 1), 3, 0)).toEqual(q(['d', 'a', 'b', 'c'], 2));
		expect(move(q(['a', 'b', 'c', 'd'], 1), 1, 3)).toEqual(q(['a', 'c', 'd', 'b'], 3));
		expect(move(q(['a', 'b', 'c', 'd'], 0), 1, 2)).toEqual(q(['a', 'c', 'b', 'd'], 0));
	});
	it('moveToNext brings a later or an earlier item right after the current one', () => {
		expect(moveToNext(q(['a', 'b', 'c', 'd'], 1), 3)).toEqual(q(['a', 'b', 'd', 'c'], 1));
		const s = moveToNext(q(['a', 'b', 'c', 'd'], 2), 0);
		expect(s).toEqual(q(['b', 'c', 'a', 'd'], 1));
		expect(moveToNext(q(['a', 'b'], 0), 0)).toEqual(q(['a', 'b'], 0));
	});
	it('clearQueue keeps only the current item', () => {
		expect(clearQueue(q(['a', 'b', 'c'], 1))).toEqual(q(['b'], 0));
		expect(clearQueue(q(['a', 'b'], 0, ['b', 'a']))).toEqual(q(['a'], 0, ['a']));
		expect(clearQueue(emptyQueue<string>())).toEqual(emptyQueue());
	});
});

describe('playing a list from a row', () => {
	const album = ['t1', 't2', 't3', 't4'].map((id) => ({ id }));

	it('starts at the clicked row; the rest follows and the earlier ones are one Previous away', () => {
		const at = startIndexFor(album, 't2', 1);
		const state = startQueue(album, at, false);
		expect(state.items).toEqual(album);
		expect(state.items[state.index]).toEqual({ id: 't2' });
		expect(nextIndex(state.items.length, state.index, 'off', 'user')).toBe(2);
		expect(previousIndex(state.items.length, state.index, 'off', 0)).toEqual({
			index: 0,
			restart: false
		});
		// The last track of the list: Next stops (no loop), Previous goes back.
		expect(nextIndex(4, 3, 'off', 'user')).toBeNull();
		expect(nextIndex(4, 3, 'off', 'auto')).toBeNull();
	});

	it('with shuffle the clicked row plays first, and the whole list is queued', () => {
		const state = startQueue(album, startIndexFor(album, 't3', 2), true, seq(0));
		expect(state.items[0]).toEqual({ id: 't3' });
		expect(new Set(state.items)).toEqual(new Set(album));
		expect(state.original).toEqual(album);
	});

	it('finds the row by id when the hint is stale; -1 when the track is not in the list', () => {
		const twice = [{ id: 'a' }, { id: 'b' }, { id: 'a' }];
		expect(startIndexFor(twice, 'a', 2)).toBe(2);
		expect(startIndexFor(twice, 'a')).toBe(0);
		expect(startIndexFor(twice, 'b', 0)).toBe(1);
		expect(startIndexFor(twice, 'zzz', 1)).toBe(-1);
		expect(startIndexFor([], 'a')).toBe(-1);
	});
});

describe('queue sources', () => {
	const source = (kind: QueueSource['kind'], name: string, href: string) =>
		({ kind, name, href }) as QueueSource;
	const album = source('album', 'Blue', '/albums/1');
	const renamed: QueueSource = { ...album, name: 'Blue (remaster)' };
	const playlist = source('playlist', 'Road trip', '/playlists/2');

	it('names the list for "Playing from …"', () => {
		expect(describeSource(album)).toBe('album “Blue”');
		expect(describeSource(source('artist', 'Miles', '/artists/Miles'))).toBe('artist “Miles”');
		expect(describeSource(playlist)).toBe('playlist “Road trip”');
		expect(describeSource(source('search', 'lo fi', '/search?q=lo+fi'))).toBe('search “lo fi”');
		expect(describeSource(source('search', '', '/search'))).toBe('search results');
		expect(describeSource(source('liked', 'Liked songs', '/library'))).toBe('your liked songs');
		expect(describeSource(source('uploads', 'My uploads', '/library'))).toBe('your uploads');
		expect(describeSource(source('shelf', 'Recently added', '/search'))).toBe('Recently added');
	});

	it('is the same list by kind and place, whatever its name now', () => {
		expect(sameSource(album, renamed)).toBe(true);
		expect(sameSource(album, playlist)).toBe(false);
		expect(sameSource(album, { ...album, kind: 'artist' })).toBe(false);
		expect(sameSource(null, null)).toBe(true);
		expect(sameSource(album, null)).toBe(false);
		expect(sameSource(null, album)).toBe(false);
	});

	it('groups consecutive items of one source, keeping the order', () => {
		const items = [
			{ id: 1, s: album },
			{ id: 2, s: renamed },
			{ id: 3, s: null },
			{ id: 4, s: null },
			{ id: 5, s: playlist },
			{ id: 6, s: album }
		];
		const runs = runsBySource(items, (i) => i.s);
		expect(runs.map((r) => [r.source?.kind ?? null, r.items.map((i) => i.id)])).toEqual([
			['album', [1, 2]],
			[null, [3, 4]],
			['playlist', [5]],
			['album', [6]]
		]);
		expect(runsBySource([], () => null)).toEqual([]);
	});
});
