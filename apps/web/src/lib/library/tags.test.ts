import { describe, expect, it } from 'vitest';
import { listMissing, missingTags, needsDetails, UNKNOWN_ARTIST } from './tags.ts';

const track = (over: Partial<Parameters<typeof missingTags>[0]> = {}) => ({
	artist: 'Ada',
	album: 'Roads' as string | null,
	coverUrl: '/api/v1/tracks/1/cover?size=md&v=0123456789ab',
	processingStatus: 'ready' as const,
	...over
});

describe('missing tags', () => {
	it('lists the artist, album and cover a file came without', () => {
		expect(missingTags(track())).toEqual([]);
		const bare = track({
			artist: UNKNOWN_ARTIST,
			album: null,
			coverUrl: '/api/v1/tracks/1/cover?size=md&v=placeholder'
		});
		expect(missingTags(bare)).toEqual(['artist', 'album', 'cover']);
		// While processing, the embedded cover may still turn up.
		expect(missingTags({ ...bare, processingStatus: 'pending' })).toEqual(['artist', 'album']);
	});

	it('asks for details only when the artist is unknown (a single without album is fine)', () => {
		expect(needsDetails(track({ artist: UNKNOWN_ARTIST }))).toBe(true);
		expect(needsDetails(track({ album: null }))).toBe(false);
		// An artist really called "Unknown Artists" is left alone.
		expect(needsDetails(track({ artist: 'Unknown Artists' }))).toBe(false);
	});

	it('reads as a list', () => {
		expect(listMissing([])).toBe('');
		expect(listMissing(['artist'])).toBe('artist');
		expect(listMissing(['artist', 'album'])).toBe('artist and album');
		expect(listMissing(['artist', 'album', 'cover'])).toBe('artist, album and cover');
	});
});
