// Pure queue rules for the player: no Svelte, no audio, so they can be unit-tested directly.
// Items are compared by identity, so the same track may sit in the queue twice as two entries.
import type { ResolvedPathname } from '$app/types';

export type LoopMode = 'off' | 'all' | 'one';

export const LOOP_MODES: readonly LoopMode[] = ['off', 'all', 'one'];

/** off -> all -> one -> off */
export function nextLoopMode(mode: LoopMode): LoopMode {
	return LOOP_MODES[(LOOP_MODES.indexOf(mode) + 1) % LOOP_MODES.length]!;
}

export interface QueueState<T> {
	items: readonly T[];
	/** The current item, -1 when the queue is empty. */
	index: number;
	/** The order before shuffling (same items), restored when shuffle is turned off. */
	original: readonly T[] | null;
}

export type Random = () => number;

export function emptyQueue<T>(): QueueState<T> {
	return { items: [], index: -1, original: null };
}

/** Fisher-Yates on a copy. */
export function shuffled<T>(items: readonly T[], random: Random = Math.random): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

function clampIndex(index: number, length: number): number {
	if (length === 0) return -1;
	if (!Number.isInteger(index)) return 0;
	return Math.min(Math.max(index, 0), length - 1);
}

/** A new queue playing `items` from `startIndex`; with shuffle the start item comes first. */
export function startQueue<T>(
	items: readonly T[],
	startIndex: number,
	shuffle: boolean,
	random: Random = Math.random
): QueueState<T> {
	const index = clampIndex(startIndex, items.length);
	if (index < 0) return emptyQueue();
	if (!shuffle) return { items: [...items], index, original: null };
	const first = items[index]!;
	const rest = items.filter((_, i) => i !== index);
	return { items: [first, ...shuffled(rest, random)], index: 0, original: [...items] };
}

/**
 * Shuffle on: the current item first, everything else in random order (played items too, so the
 * whole queue is heard). Shuffle off: back to the original order, still on the current item.
 */
export function setShuffle<T>(
	state: QueueState<T>,
	on: boolean,
	random: Random = Math.random
): QueueState<T> {
	if (on) {
		if (state.original) return state;
		const current = state.items[state.index];
		if (current === undefined) return { ...state, original: [...state.items] };
		const rest = state.items.filter((_, i) => i !== state.index);
		return { items: [current, ...shuffled(rest, random)], index: 0, original: [...state.items] };
	}
	if (!state.original) return state;
	const current = state.items[state.index];
	// Items added while shuffled are in `original` too; removed ones are gone from both.
	const items = state.original.filter((it) => state.items.includes(it));
	const index =
		current === undefined ? clampIndex(state.index, items.length) : items.indexOf(current);
	return { items, index, original: null };
}

/**
 * Which item follows the current one, or null to stop. `auto` is the end of a track (loop 'one'
 * repeats it); a user's "next" always moves on.
 */
export function nextIndex(
	length: number,
	index: number,
	loop: LoopMode,
	reason: 'auto' | 'user'
): number | null {
	if (length === 0 || index < 0) return null;
	if (reason === 'auto' && loop === 'one') return index;
	if (index < length - 1) return index + 1;
	return loop === 'all' ? 0 : null;
}

export const RESTART_THRESHOLD_MS = 3000;

/**
 * "Previous": more than 3 s into a track it restarts it; otherwise the item before (wrapping with
 * loop 'all'), or a restart of the first item.
 */
export function previousIndex(
	length: number,
	index: number,
	loop: LoopMode,
	positionMs: number
): { index: number; restart: boolean } | null {
	if (length === 0 || index < 0) return null;
	if (positionMs > RESTART_THRESHOLD_MS) return { index, restart: true };
	if (index > 0) return { index: index - 1, restart: false };
	if (loop === 'all' && length > 1) return { index: length - 1, restart: false };
	return { index, restart: true };
}

/** Puts `item` right after the current one (first when the queue is empty). */
export function insertNext<T>(state: QueueState<T>, item: T): QueueState<T> {
	const at = state.index + 1;
	const items = [...state.items.slice(0, at), item, ...state.items.slice(at)];
	let original = state.original;
	if (original) {
		const current = state.items[state.index];
		const pos = current === undefined ? -1 : original.indexOf(current);
		original = [...original.slice(0, pos + 1), item, ...original.slice(pos + 1)];
	}
	return { items, index: state.index < 0 ? 0 : state.index, original };
}

export function append<T>(state: QueueState<T>, item: T): QueueState<T> {
	return {
		items: [...state.items, item],
		index: state.index < 0 ? 0 : state.index,
		original: state.original ? [...state.original, item] : null
	};
}

/**
 * Removes the item at `at`. Removing the current item makes the following one current (or the
 * previous one at the end of the queue).
 */
export function removeAt<T>(state: QueueState<T>, at: number): QueueState<T> {
	if (!Number.isInteger(at) || at < 0 || at >= state.items.length) return state;
	const removed = state.items[at];
	const items = state.items.filter((_, i) => i !== at);
	let index = state.index;
	if (at < state.index) index -= 1;
	else if (at === state.index) index = Math.min(index, items.length - 1);
	const original = state.original ? state.original.filter((it) => it !== removed) : null;
	return { items, index: items.length ? index : -1, original: items.length ? original : null };
}

/** Moves the item at `from` to position `to`; the current item stays current. */
export function move<T>(state: QueueState<T>, from: number, to: number): QueueState<T> {
	const n = state.items.length;
	if (![from, to].every((i) => Number.isInteger(i) && i >= 0 && i < n) || from === to) {
		return state;
	}
	const current = state.items[state.index];
	const items = [...state.items];
	const [item] = items.splice(from, 1);
	items.splice(to, 0, item!);
	return { ...state, items, index: current === undefined ? state.index : items.indexOf(current) };
}

/** Keeps only the current item (what is playing goes on playing). */
export function clearQueue<T>(state: QueueState<T>): QueueState<T> {
	const current = state.items[state.index];
	if (current === undefined) return emptyQueue();
	return { items: [current], index: 0, original: state.original ? [current] : null };
}

/** Makes the item at `at` current. */
export function jumpTo<T>(state: QueueState<T>, at: number): QueueState<T> {
	if (!Number.isInteger(at) || at < 0 || at >= state.items.length) return state;
	return { ...state, index: at };
}

/** Moves the item at `at` so it plays right after the current one. */
export function moveToNext<T>(state: QueueState<T>, at: number): QueueState<T> {
	if (at === state.index) return state;
	return move(state, at, at > state.index ? state.index + 1 : state.index);
}

// --- where the queue came from --------------------------------------------------------------

/** What a list played as a whole was: shown as "Playing from album X" and kept with each item. */
export type QueueSourceKind =
	'album' | 'artist' | 'playlist' | 'search' | 'liked' | 'uploads' | 'shelf';

export const QUEUE_SOURCE_KINDS: readonly QueueSourceKind[] = [
	'album',
	'artist',
	'playlist',
	'search',
	'liked',
	'uploads',
	'shelf'
];

export interface QueueSource {
	kind: QueueSourceKind;
	/** The album's, artist's or playlist's name, the search words, a shelf's title. */
	name: string;
	/** Where the list lives, so the queue can link back to it. */
	href: ResolvedPathname;
}

/** "album “Blue”", "your liked songs", … : reads after "Playing from" / "Next from". */
export function describeSource(source: QueueSource): string {
	switch (source.kind) {
		case 'liked':
			return 'your liked songs';
		case 'uploads':
			return 'your uploads';
		case 'shelf':
			return source.name;
		case 'search':
			return source.name ? `search “${source.name}”` : 'search results';
		default:
			return `${source.kind} “${source.name}”`;
	}
}

/** The same list: same kind and same place (names can change while a list plays). */
export function sameSource(a: QueueSource | null, b: QueueSource | null): boolean {
	if (!a || !b) return a === b;
	return a.kind === b.kind && a.href === b.href;
}

/**
 * Where to start when the row `trackId` at `hint` is clicked in `list`: the hint when it still
 * points at that track (the same track may be listed twice), else its first occurrence, else -1.
 */
export function startIndexFor(
	list: readonly { id: string }[],
	trackId: string,
	hint?: number
): number {
	if (hint !== undefined && list[hint]?.id === trackId) return hint;
	return list.findIndex((t) => t.id === trackId);
}

export interface SourceRun<T> {
	source: QueueSource | null;
	items: T[];
}

/** Consecutive items of the same source, in order: "Next from album X", then "Added by you". */
export function runsBySource<T>(
	items: readonly T[],
	sourceOf: (item: T) => QueueSource | null
): SourceRun<T>[] {
	const runs: SourceRun<T>[] = [];
	for (const item of items) {
		const source = sourceOf(item);
		const last = runs.at(-1);
		if (last && sameSource(last.source, source)) last.items.push(item);
		else runs.push({ source, items: [item] });
	}
	return runs;
}
