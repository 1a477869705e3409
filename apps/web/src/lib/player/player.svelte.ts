// The one audio player of the app: a module singleton, so playback survives client-side navigation.
// Howler plays through <audio> (html5: true), which streams from the Range endpoint and starts long
// files without downloading them first.
import { Howl, Howler } from 'howler';
import { untrack } from 'svelte';
import type { Track } from '$lib/types';
import { howlerFormat } from './format.ts';
import { installKeyboard } from './keyboard.ts';
import { ListenMeter } from './listening.ts';
import {
	installMediaSession,
	setMediaMetadata,
	setMediaPlaybackState,
	setMediaPosition
} from './media-session.ts';
import { loadPrefs, loadQueue, savePrefs, saveQueue } from './persist.ts';
import * as Q from './queue.ts';

export type { LoopMode, QueueSource } from './queue.ts';

/** A queue slot: the same track can be queued twice, so components key lists by `uid`. */
export interface QueueEntry {
	readonly uid: number;
	readonly track: Track;
	/** The list it was played from; null when queued on its own ("Play next", "Add to queue"). */
	readonly source: Q.QueueSource | null;
}

const TICK_MS = 250;
const REPORT_EVERY_MS = 10_000;
const SAVE_EVERY_MS = 5_000;
const SKIP_AFTER_ERROR_MS = 1500;

let uidSeq = 0;
const toEntry = (track: Track, source: Q.QueueSource | null = null): QueueEntry => ({
	uid: ++uidSeq,
	track,
	source
});

/** One listening session on the server (POST /tracks/:id/plays), fed with progress reports. */
class PlaySession {
	readonly meter = new ListenMeter();
	readonly playId: Promise<string | null>;
	lastReportAt = performance.now();
	#lastBody = '';

	constructor(trackId: string) {
		this.playId = fetch(`/api/v1/tracks/${encodeURIComponent(trackId)}/plays`, { method: 'POST' })
			.then(async (r) => {
				if (!r.ok) return null;
				const body = (await r.json()) as { play?: { id?: unknown } };
				return typeof body.play?.id === 'string' ? body.play.id : null;
			})
			.catch(() => null);
	}

	/** Failures are ignored: play counts are a nicety, never a reason to interrupt the music. */
	report(positionMs: number, keepalive = false) {
		this.lastReportAt = performance.now();
		const body = JSON.stringify({
			positionMs: Math.max(0, Math.round(positionMs)),
			listenedMs: Math.max(0, Math.round(this.meter.listenedMs))
		});
		if (body === this.#lastBody) return;
		this.#lastBody = body;
		void this.playId.then((id) => {
			if (!id) return;
			return fetch(`/api/v1/plays/${encodeURIComponent(id)}/progress`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body,
				keepalive
			}).then(
				() => {},
				() => {}
			);
		});
	}
}

interface Loaded {
	entry: QueueEntry;
	howl: Howl;
	/** Howler's id of the one sound we play; resuming by id never starts a second copy. */
	soundId: number | undefined;
	session: PlaySession | null;
	failed: boolean;
}

interface Preloaded {
	entry: QueueEntry;
	howl: Howl;
	failed: boolean;
}

/** Howler assigns the sound's id at load; we need it to seek before the first play(). */
function firstSoundId(howl: Howl): number | undefined {
	return (howl as unknown as { _sounds?: { _id: number }[] })._sounds?.[0]?._id;
}

class Player {
	#q = $state.raw<Q.QueueState<QueueEntry>>(Q.emptyQueue());
	#playing = $state(false);
	#positionMs = $state(0);
	#durationMs = $state(0);
	#volume = $state(1);
	#muted = $state(false);
	#loop = $state<Q.LoopMode>('off');
	#shuffle = $state(false);
	#loading = $state(false);
	#error = $state<string | null>(null);
	#notice = $state<{ id: number; text: string } | null>(null);
	#queue = $derived(this.#q.items.map((e) => e.track));

	/** Whether the queue panel is open (shared by the player bar's button and the panel). */
	queueOpen = $state(false);

	#cur: Loaded | null = null;
	#preload: Preloaded | null = null;
	#timer: ReturnType<typeof setInterval> | null = null;
	#lastSaveAt = 0;
	/** Stopped after the last track: play() starts it over, a newly queued track starts at once. */
	#ended = false;
	#failures = 0;
	#userId: string | null = null;
	#cleanup: (() => void)[] = [];
	#noticeSeq = 0;

	// --- reactive state -------------------------------------------------------------------------

	get current(): Track | null {
		return this.#q.items[this.#q.index]?.track ?? null;
	}
	get currentEntry(): QueueEntry | null {
		return this.#q.items[this.#q.index] ?? null;
	}
	get queue(): Track[] {
		return this.#queue;
	}
	get entries(): readonly QueueEntry[] {
		return this.#q.items;
	}
	get index(): number {
		return this.#q.index;
	}
	get playing(): boolean {
		return this.#playing;
	}
	get positionMs(): number {
		return this.#positionMs;
	}
	get durationMs(): number {
		return this.#durationMs;
	}
	get volume(): number {
		return this.#volume;
	}
	get muted(): boolean {
		return this.#muted;
	}
	get loop(): Q.LoopMode {
		return this.#loop;
	}
	get shuffle(): boolean {
		return this.#shuffle;
	}
	/** Waiting for audio data (the first bytes, or after a seek). */
	get loading(): boolean {
		return this.#loading;
	}
	/** Why the current track cannot play, if it cannot. */
	get error(): string | null {
		return this.#error;
	}
	/** The latest short message for the user ("Added … to the queue"); `id` changes every time. */
	get notice(): { id: number; text: string } | null {
		return this.#notice;
	}
	get hasNext(): boolean {
		return Q.nextIndex(this.#q.items.length, this.#q.index, this.#loop, 'user') !== null;
	}

	/** Where the current track was played from ("Playing from album X"), if from a list. */
	get source(): Q.QueueSource | null {
		return this.currentEntry?.source ?? null;
	}

	isCurrent(trackId: string): boolean {
		return this.current?.id === trackId;
	}

	/** The current track, played from this same list (a click on its row toggles it). */
	isPlayingFrom(trackId: string, source: Q.QueueSource | null): boolean {
		return this.isCurrent(trackId) && Q.sameSource(this.source, source);
	}

	// --- queue ----------------------------------------------------------------------------------

	/**
	 * Replaces the queue with the list `tracks` and plays from `startIndex`: the tracks after it
	 * follow, the ones before stay reachable with "Previous". `source` names the list.
	 */
	playTracks(tracks: readonly Track[], startIndex = 0, source: Q.QueueSource | null = null) {
		if (!tracks.length) return;
		const entries = tracks.map((t) => toEntry(t, source));
		this.#q = Q.startQueue(entries, startIndex, this.#shuffle);
		this.#failures = 0;
		this.#load(this.#q.items[this.#q.index]!, true);
	}

	/** Queues `track` right after the current one (plays it at once when nothing is queued). */
	playNext(track: Track) {
		if (!this.currentEntry) return this.playTracks([track]);
		this.#q = Q.insertNext(this.#q, toEntry(track));
		this.#announce(`“${track.title}” will play next`);
		this.#afterQueueChange();
	}

	/** Appends `track` to the queue (plays it at once when nothing is queued). */
	addToQueue(track: Track) {
		if (!this.currentEntry) return this.playTracks([track]);
		this.#q = Q.append(this.#q, toEntry(track));
		this.#announce(`Added “${track.title}” to the queue`);
		this.#afterQueueChange();
	}

	/** Plays the queue item at `index`. */
	playAt(index: number) {
		const entry = this.#q.items[index];
		if (!entry) return;
		this.#q = Q.jumpTo(this.#q, index);
		this.#failures = 0;
		this.#load(entry, true);
	}

	removeFromQueue(index: number) {
		const before = this.currentEntry;
		const wasPlaying = this.#playing;
		this.#q = Q.removeAt(this.#q, index);
		const after = this.currentEntry;
		if (after === before) return this.#afterQueueChange();
		if (!after) return this.#stopAll();
		this.#load(after, wasPlaying);
	}

	moveInQueue(from: number, to: number) {
		this.#q = Q.move(this.#q, from, to);
		this.#afterQueueChange();
	}

	/** Moves an already queued item to play right after the current one. */
	moveToNext(index: number) {
		this.#q = Q.moveToNext(this.#q, index);
		this.#afterQueueChange();
	}

	/** Empties the queue except for the current track, which goes on playing. */
	clearQueue() {
		this.#q = Q.clearQueue(this.#q);
		this.#afterQueueChange();
	}

	// --- transport ------------------------------------------------------------------------------

	play() {
		const cur = this.#cur;
		if (!cur || cur.failed) {
			const entry = this.currentEntry;
			if (entry) this.#load(entry, true);
			return;
		}
		if (this.#ended) {
			this.#ended = false;
			this.#positionMs = 0;
		}
		this.#playing = true;
		cur.soundId = cur.howl.play(cur.soundId);
	}

	pause() {
		const cur = this.#cur;
		this.#playing = false;
		if (cur) cur.howl.pause(cur.soundId);
	}

	toggle() {
		if (this.#playing) this.pause();
		else this.play();
	}

	next() {
		const { items, index } = this.#q;
		const n = Q.nextIndex(items.length, index, this.#loop, 'user');
		if (n === null) return this.#stopAtEnd();
		this.playAt(n);
	}

	/** Restarts the track when more than 3 s in, else goes to the previous one. */
	previous() {
		const { items, index } = this.#q;
		const p = Q.previousIndex(items.length, index, this.#loop, this.#positionMs);
		if (!p) return;
		if (!p.restart) return this.playAt(p.index);
		this.seek(0);
		if (!this.#playing) this.play();
	}

	seek(ms: number) {
		const cur = this.#cur;
		if (!cur || !Number.isFinite(ms)) return;
		const max = this.#durationMs > 0 ? this.#durationMs : Number.MAX_SAFE_INTEGER;
		const to = Math.min(Math.max(0, ms), max);
		cur.session?.meter.jump(this.#readPosition(cur), to, performance.now());
		this.#ended = false;
		const id = cur.soundId ?? firstSoundId(cur.howl);
		if (id === undefined) return;
		cur.howl.seek(to / 1000, id);
		this.#positionMs = to;
		setMediaPosition(to, this.#durationMs);
	}

	setVolume(volume: number) {
		if (!Number.isFinite(volume)) return;
		this.#volume = Math.round(Math.min(Math.max(volume, 0), 1) * 100) / 100;
		Howler.volume(this.#volume);
		if (this.#muted && this.#volume > 0) this.#setMuted(false);
	}

	toggleMute() {
		this.#setMuted(!this.#muted);
	}

	/** off -> all -> one -> off */
	cycleLoop() {
		this.#loop = Q.nextLoopMode(this.#loop);
		this.#syncPreload();
	}

	toggleShuffle() {
		this.#shuffle = !this.#shuffle;
		this.#q = Q.setShuffle(this.#q, this.#shuffle);
		this.#syncPreload();
	}

	// --- lifecycle ------------------------------------------------------------------------------

	/**
	 * Binds the player to the signed-in user (from the root layout): restores their queue, paused,
	 * and installs keyboard shortcuts and the Media Session. `null` (signed out) stops everything.
	 */
	attach(userId: string | null) {
		if (typeof window === 'undefined' || userId === this.#userId) return;
		if (this.#userId) this.#detach();
		if (!userId) return;
		this.#userId = userId;

		const prefs = loadPrefs(localStorage);
		this.#volume = prefs.volume;
		this.#muted = prefs.muted;
		this.#loop = prefs.loop;
		this.#shuffle = prefs.shuffle;
		Howler.volume(prefs.volume);
		Howler.mute(prefs.muted);

		const saved = loadQueue(localStorage, userId);
		if (saved) {
			const items = saved.tracks.map((t, i) =>
				toEntry(t, saved.sources[saved.sourceOf[i]!] ?? null)
			);
			const original = saved.original?.map((i) => items[i]!) ?? null;
			this.#q = { items, index: saved.index, original: this.#shuffle ? original : null };
			this.#load(items[saved.index]!, false, saved.positionMs);
		}

		const onHide = () => {
			const cur = this.#cur;
			if (cur?.session && this.#playing) cur.session.report(this.#readPosition(cur), true);
			this.#saveQueue();
		};
		const onVisibility = () => document.visibilityState === 'hidden' && onHide();
		window.addEventListener('pagehide', onHide);
		document.addEventListener('visibilitychange', onVisibility);
		this.#cleanup.push(
			() => window.removeEventListener('pagehide', onHide),
			() => document.removeEventListener('visibilitychange', onVisibility),
			installKeyboard(this),
			installMediaSession(this),
			$effect.root(() => {
				$effect(() => {
					void this.#q;
					untrack(() => this.#saveQueue());
				});
				$effect(() => {
					savePrefs(localStorage, {
						volume: this.#volume,
						muted: this.#muted,
						loop: this.#loop,
						shuffle: this.#shuffle
					});
				});
				$effect(() => setMediaMetadata(this.current));
				$effect(() => setMediaPlaybackState(this.#playing));
			})
		);
	}

	#detach() {
		this.#saveQueue();
		this.#stopAll();
		for (const fn of this.#cleanup.splice(0)) fn();
		this.#userId = null;
		this.queueOpen = false;
	}

	// --- internals ------------------------------------------------------------------------------

	#createHowl(track: Track): Howl {
		return new Howl({
			src: [track.streamUrl],
			html5: true,
			format: [howlerFormat(track)],
			preload: true
		});
	}

	#load(entry: QueueEntry, autoplay: boolean, startMs = 0) {
		this.#release();
		this.#ended = false;
		this.#error = null;
		let howl: Howl;
		const pre = this.#preload;
		if (pre && pre.entry === entry && !pre.failed) {
			howl = pre.howl;
			this.#preload = null;
		} else {
			howl = this.#createHowl(entry.track);
		}
		const cur: Loaded = { entry, howl, soundId: undefined, session: null, failed: false };
		this.#cur = cur;
		this.#positionMs = startMs;
		this.#durationMs = entry.track.durationMs;
		this.#loading = howl.state() !== 'loaded';
		this.#bind(cur);
		if (howl.state() === 'loaded') this.#onLoaded(cur);
		if (startMs > 0) {
			const id = firstSoundId(howl);
			if (id !== undefined) howl.seek(startMs / 1000, id);
		}
		this.#playing = autoplay;
		if (autoplay) cur.soundId = howl.play();
		setMediaPosition(startMs, this.#durationMs);
	}

	#bind(cur: Loaded) {
		const { howl } = cur;
		const live = () => this.#cur === cur;
		howl.on('load', () => live() && this.#onLoaded(cur));
		howl.on('loaderror', (_id, err) => live() && this.#onError(cur, err));
		howl.on('playerror', () => {
			// Usually autoplay being refused before any user gesture: wait for the play button.
			if (!live()) return;
			this.#playing = false;
			this.#loading = false;
		});
		howl.on('play', () => live() && this.#onPlay(cur));
		howl.on('pause', () => live() && this.#onPause(cur));
		howl.on('end', () => live() && this.#onEnd(cur));
	}

	#onLoaded(cur: Loaded) {
		this.#loading = false;
		const seconds = cur.howl.duration();
		if (Number.isFinite(seconds) && seconds > 0) this.#durationMs = Math.round(seconds * 1000);
		setMediaPosition(this.#positionMs, this.#durationMs);
		this.#syncPreload();
	}

	#onPlay(cur: Loaded) {
		this.#playing = true;
		this.#loading = false;
		this.#failures = 0;
		// A new session each time the track starts over from a load or a repeat; resuming continues it.
		cur.session ??= new PlaySession(cur.entry.track.id);
		cur.session.meter.resume(this.#readPosition(cur), performance.now());
		this.#startTick();
		setMediaPosition(this.#positionMs, this.#durationMs);
	}

	#onPause(cur: Loaded) {
		this.#playing = false;
		this.#stopTick();
		const pos = this.#readPosition(cur);
		this.#positionMs = pos;
		if (cur.session) {
			cur.session.meter.pause(pos, performance.now());
			cur.session.report(pos);
		}
		setMediaPosition(pos, this.#durationMs);
		this.#saveQueue();
	}

	#onEnd(cur: Loaded) {
		this.#stopTick();
		const end = this.#durationMs;
		if (cur.session) {
			cur.session.meter.pause(end, performance.now());
			cur.session.report(end);
			cur.session = null;
		}
		const { items, index } = this.#q;
		const n = Q.nextIndex(items.length, index, this.#loop, 'auto');
		if (n === index) {
			this.#positionMs = 0;
			cur.soundId = cur.howl.play(cur.soundId);
		} else if (n === null) {
			this.#playing = false;
			this.#ended = true;
			this.#positionMs = 0;
			this.#saveQueue();
		} else {
			this.playAt(n);
		}
	}

	#onError(cur: Loaded, err: unknown) {
		const wanted = this.#playing;
		cur.failed = true;
		this.#playing = false;
		this.#loading = false;
		this.#stopTick();
		const reason = typeof err === 'string' && /codec/i.test(err) ? ' (unsupported format)' : '';
		this.#error = `Couldn't play “${cur.entry.track.title}”${reason}`;
		this.#announce(this.#error);
		// Skip a broken track, but stop once every track of the queue has failed in a row.
		if (!wanted || ++this.#failures >= this.#q.items.length) return;
		setTimeout(() => {
			if (this.#cur !== cur) return;
			const { items, index } = this.#q;
			const n = Q.nextIndex(items.length, index, this.#loop, 'user');
			if (n !== null && n !== index) {
				this.#q = Q.jumpTo(this.#q, n);
				this.#load(items[n]!, true);
			}
		}, SKIP_AFTER_ERROR_MS);
	}

	#readPosition(cur: Loaded): number {
		if (cur.howl.state() !== 'loaded') return this.#positionMs;
		const id = cur.soundId ?? firstSoundId(cur.howl);
		const s = id === undefined ? NaN : cur.howl.seek(id);
		return typeof s === 'number' && Number.isFinite(s) ? Math.round(s * 1000) : this.#positionMs;
	}

	#tick = () => {
		const cur = this.#cur;
		if (!cur) return;
		const pos = this.#readPosition(cur);
		this.#positionMs = pos;
		const now = performance.now();
		const s = cur.session;
		if (s) {
			s.meter.sample(pos, now);
			if (now - s.lastReportAt >= REPORT_EVERY_MS) s.report(pos);
		}
		if (now - this.#lastSaveAt >= SAVE_EVERY_MS) this.#saveQueue();
	};

	#startTick() {
		this.#timer ??= setInterval(this.#tick, TICK_MS);
	}

	#stopTick() {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	/** Reports and unloads the current track. */
	#release() {
		const cur = this.#cur;
		if (!cur) return;
		this.#cur = null;
		this.#stopTick();
		if (cur.session) {
			const pos = this.#readPosition(cur);
			cur.session.meter.pause(pos, performance.now());
			cur.session.report(pos);
		}
		cur.howl.off();
		cur.howl.unload();
	}

	#stopAll() {
		this.#release();
		this.#dropPreload();
		this.#q = Q.emptyQueue();
		this.#playing = false;
		this.#loading = false;
		this.#ended = false;
		this.#error = null;
		this.#positionMs = 0;
		this.#durationMs = 0;
	}

	#stopAtEnd() {
		const cur = this.#cur;
		if (!cur) return;
		this.pause();
		this.seek(0);
		this.#ended = true;
	}

	#afterQueueChange() {
		const cur = this.#cur;
		const { items, index } = this.#q;
		// Stopped after the last track and something new was queued behind it: go on with it.
		if (this.#ended && cur && index < items.length - 1) return this.playAt(index + 1);
		this.#syncPreload();
	}

	/** Keeps the <audio> of the track that plays next buffering, so the change is gapless-ish. */
	#syncPreload() {
		const cur = this.#cur;
		const { items, index } = this.#q;
		const n =
			cur && cur.howl.state() === 'loaded'
				? Q.nextIndex(items.length, index, this.#loop, 'auto')
				: null;
		const target = n !== null && n !== index ? items[n] : undefined;
		if (target && this.#preload?.entry === target && !this.#preload.failed) return;
		this.#dropPreload();
		if (!target) return;
		const howl = this.#createHowl(target.track);
		const pre: Preloaded = { entry: target, howl, failed: false };
		howl.once('loaderror', () => {
			pre.failed = true;
		});
		this.#preload = pre;
	}

	#dropPreload() {
		const pre = this.#preload;
		if (!pre) return;
		this.#preload = null;
		pre.howl.off();
		pre.howl.unload();
	}

	#setMuted(muted: boolean) {
		this.#muted = muted;
		Howler.mute(muted);
	}

	#saveQueue() {
		if (!this.#userId) return;
		this.#lastSaveAt = performance.now();
		const { items, index, original } = this.#q;
		const sources: Q.QueueSource[] = [];
		const sourceOf = items.map(({ source }) => {
			if (!source) return -1;
			let i = sources.findIndex((s) => Q.sameSource(s, source));
			if (i < 0) i = sources.push(source) - 1;
			return i;
		});
		saveQueue(
			localStorage,
			this.#userId,
			items.length
				? {
						tracks: items.map((e) => e.track),
						index,
						original: original ? original.map((e) => items.indexOf(e)) : null,
						positionMs: this.#ended ? 0 : Math.round(this.#positionMs),
						sourceOf,
						sources
					}
				: null
		);
	}

	#announce(text: string) {
		this.#notice = { id: ++this.#noticeSeq, text };
	}
}

export const player = new Player();
