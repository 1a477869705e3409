// What the player remembers across reloads, in localStorage. Reads are defensive: the stored
// value may come from an older version or be edited by hand.
import type { Track } from '$lib/types';
import { QUEUE_SOURCE_KINDS, type LoopMode, type QueueSource } from './queue.ts';

const PREFS_KEY = 'chorus:player:prefs';
const queueKey = (userId: string) => `chorus:player:queue:${userId}`;

export interface SavedPrefs {
	volume: number;
	muted: boolean;
	loop: LoopMode;
	shuffle: boolean;
}

export interface SavedQueue {
	tracks: Track[];
	index: number;
	/** With shuffle on: the pre-shuffle order, as indexes into `tracks`. */
	original: number[] | null;
	positionMs: number;
	/** Where each track came from: an index into `sources`, -1 for none (queued one by one). */
	sourceOf: number[];
	sources: QueueSource[];
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

function read(storage: Storage, key: string): unknown {
	try {
		const raw = storage.getItem(key);
		return raw ? JSON.parse(raw) : null;
	} catch {
		return null;
	}
}

function write(storage: Storage, key: string, value: unknown) {
	try {
		storage.setItem(key, JSON.stringify(value));
	} catch {
		// Full or disabled storage: the player still works, it just forgets.
	}
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function loadPrefs(storage: Storage): SavedPrefs {
	const v = read(storage, PREFS_KEY);
	if (!isRecord(v)) return { volume: 1, muted: false, loop: 'off', shuffle: false };
	const volume = typeof v.volume === 'number' && Number.isFinite(v.volume) ? v.volume : 1;
	return {
		volume: Math.min(Math.max(volume, 0), 1),
		muted: v.muted === true,
		loop: v.loop === 'all' || v.loop === 'one' ? v.loop : 'off',
		shuffle: v.shuffle === true
	};
}

export function savePrefs(storage: Storage, prefs: SavedPrefs) {
	write(storage, PREFS_KEY, prefs);
}

function isTrack(t: unknown): t is Track {
	return (
		isRecord(t) &&
		typeof t.id === 'string' &&
		typeof t.title === 'string' &&
		typeof t.artist === 'string' &&
		typeof t.streamUrl === 'string' &&
		typeof t.coverUrl === 'string' &&
		typeof t.waveformUrl === 'string' &&
		typeof t.mimeType === 'string' &&
		typeof t.codec === 'string' &&
		typeof t.durationMs === 'number'
	);
}

function isSource(s: unknown): s is QueueSource {
	return (
		isRecord(s) &&
		QUEUE_SOURCE_KINDS.includes(s.kind as QueueSource['kind']) &&
		typeof s.name === 'string' &&
		typeof s.href === 'string' &&
		// Only links inside the app: the stored value may have been edited by hand, and
		// browsers read "//host" and "/\\host" as another site.
		/^\/(?![/\\])/.test(s.href)
	);
}

/** Sources of an older save (none stored) or a broken one are dropped; the tracks stay. */
function loadSources(v: Record<string, unknown>, count: number) {
	const none = { sourceOf: new Array<number>(count).fill(-1), sources: [] };
	if (!Array.isArray(v.sources) || !v.sources.every(isSource)) return none;
	const sources: QueueSource[] = v.sources.map(({ kind, name, href }) => ({ kind, name, href }));
	const sourceOf = v.sourceOf;
	if (
		!Array.isArray(sourceOf) ||
		sourceOf.length !== count ||
		!sourceOf.every((i) => Number.isInteger(i) && i >= -1 && i < sources.length)
	)
		return none;
	return { sourceOf: sourceOf as number[], sources };
}

export function loadQueue(storage: Storage, userId: string): SavedQueue | null {
	const v = read(storage, queueKey(userId));
	if (!isRecord(v) || !Array.isArray(v.tracks)) return null;
	const tracks = v.tracks.filter(isTrack);
	if (tracks.length !== v.tracks.length || tracks.length === 0) return null;
	const index = Number.isInteger(v.index) ? (v.index as number) : 0;
	const original =
		Array.isArray(v.original) &&
		v.original.length === tracks.length &&
		new Set(v.original).size === tracks.length &&
		v.original.every((i) => Number.isInteger(i) && i >= 0 && i < tracks.length)
			? (v.original as number[])
			: null;
	const positionMs =
		typeof v.positionMs === 'number' && Number.isFinite(v.positionMs) && v.positionMs > 0
			? v.positionMs
			: 0;
	return {
		tracks,
		index: Math.min(Math.max(index, 0), tracks.length - 1),
		original,
		positionMs,
		...loadSources(v, tracks.length)
	};
}

export function saveQueue(storage: Storage, userId: string, q: SavedQueue | null) {
	if (!q || q.tracks.length === 0) {
		try {
			storage.removeItem(queueKey(userId));
		} catch {
			// ignore
		}
		return;
	}
	write(storage, queueKey(userId), q);
}
