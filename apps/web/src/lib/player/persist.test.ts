import { describe, expect, it } from 'vitest';
import { loadPrefs, loadQueue, savePrefs, saveQueue } from './persist.ts';
import type { Track } from '../types.ts';

class MemoryStorage {
	data = new Map<string, string>();
	getItem(k: string) {
		return this.data.get(k) ?? null;
	}
	setItem(k: string, v: string) {
		this.data.set(k, v);
	}
	removeItem(k: string) {
		this.data.delete(k);
	}
}

const track = (id: string): Track =>
	({
		id,
		title: `Title ${id}`,
		artist: 'Artist',
		streamUrl: `/api/v1/tracks/${id}/stream`,
		coverUrl: `/api/v1/tracks/${id}/cover?size=md&v=placeholder`,
		waveformUrl: `/api/v1/tracks/${id}/waveform`,
		mimeType: 'audio/mpeg',
		codec: 'MPEG 1 Layer 3',
		durationMs: 3000
	}) as Track;

describe('player persistence', () => {
	it('round-trips preferences and falls back to defaults', () => {
		const s = new MemoryStorage();
		expect(loadPrefs(s)).toEqual({ volume: 1, muted: false, loop: 'off', shuffle: false });
		savePrefs(s, { volume: 0.4, muted: true, loop: 'one', shuffle: true });
		expect(loadPrefs(s)).toEqual({ volume: 0.4, muted: true, loop: 'one', shuffle: true });
	});
	it('sanitises stored preferences', () => {
		const s = new MemoryStorage();
		s.setItem('chorus:player:prefs', JSON.stringify({ volume: 7, muted: 'yes', loop: 'x' }));
		expect(loadPrefs(s)).toEqual({ volume: 1, muted: false, loop: 'off', shuffle: false });
		s.setItem('chorus:player:prefs', '{not json');
		expect(loadPrefs(s).volume).toBe(1);
	});
	it('round-trips the queue per user', () => {
		const s = new MemoryStorage();
		const saved = {
			tracks: [track('a'), track('b'), track('c')],
			index: 1,
			original: [2, 0, 1],
			positionMs: 1234,
			sourceOf: [0, 0, -1],
			sources: [{ kind: 'album' as const, name: 'Blue', href: '/albums/abc' as const }]
		};
		saveQueue(s, 'u1', saved);
		expect(loadQueue(s, 'u1')).toEqual(saved);
		expect(loadQueue(s, 'u2')).toBeNull();
	});
	it('clamps the index and drops an inconsistent shuffle order', () => {
		const s = new MemoryStorage();
		s.setItem(
			'chorus:player:queue:u1',
			JSON.stringify({
				tracks: [track('a'), track('b')],
				index: 9,
				original: [0, 0],
				positionMs: -5
			})
		);
		expect(loadQueue(s, 'u1')).toMatchObject({ index: 1, original: null, positionMs: 0 });
	});
	it('keeps the tracks of an older save or a broken source list, without sources', () => {
		const s = new MemoryStorage();
		const tracks = [track('a'), track('b')];
		const none = { sourceOf: [-1, -1], sources: [] };
		s.setItem('chorus:player:queue:u1', JSON.stringify({ tracks, index: 0 }));
		expect(loadQueue(s, 'u1')).toMatchObject({ tracks, ...none });
		const album = { kind: 'album', name: 'Blue', href: '/albums/abc' };
		for (const broken of [
			{ sources: [album], sourceOf: [0, 1] }, // index past the sources
			{ sources: [album], sourceOf: [0] }, // not one per track
			{ sources: [{ ...album, kind: 'radio' }], sourceOf: [0, 0] },
			{ sources: [{ ...album, href: 'https://evil.example/' }], sourceOf: [0, 0] },
			{ sources: [{ ...album, href: '//evil.example/' }], sourceOf: [0, 0] },
			{ sources: [{ ...album, href: '/\\evil.example/' }], sourceOf: [0, 0] }
		]) {
			s.setItem('chorus:player:queue:u1', JSON.stringify({ tracks, index: 0, ...broken }));
			expect(loadQueue(s, 'u1')).toMatchObject({ tracks, ...none });
		}
	});
	it('rejects malformed tracks', () => {
		const s = new MemoryStorage();
		s.setItem('chorus:player:queue:u1', JSON.stringify({ tracks: [{ id: 1 }], index: 0 }));
		expect(loadQueue(s, 'u1')).toBeNull();
	});
	it('an empty queue removes the saved one', () => {
		const s = new MemoryStorage();
		saveQueue(s, 'u1', {
			tracks: [track('a')],
			index: 0,
			original: null,
			positionMs: 0,
			sourceOf: [-1],
			sources: []
		});
		saveQueue(s, 'u1', null);
		expect(s.data.size).toBe(0);
	});
	it('survives a storage that throws', () => {
		const broken = {
			getItem: () => {
				throw new Error('denied');
			},
			setItem: () => {
				throw new Error('quota');
			},
			removeItem: () => {}
		};
		expect(loadQueue(broken, 'u1')).toBeNull();
		expect(() =>
			savePrefs(broken, { volume: 1, muted: false, loop: 'off', shuffle: false })
		).not.toThrow();
	});
});
