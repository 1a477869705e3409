import { describe, expect, it } from 'vitest';
import { coverAt, formatTime, howlerFormat, spokenTime } from './format.ts';

describe('format helpers', () => {
	it('names the Howler format from the MIME type and codec', () => {
		expect(howlerFormat({ mimeType: 'audio/mpeg', codec: 'MPEG 1 Layer 3' })).toBe('mp3');
		expect(howlerFormat({ mimeType: 'audio/flac', codec: 'FLAC' })).toBe('flac');
		expect(howlerFormat({ mimeType: 'audio/ogg', codec: 'Vorbis I' })).toBe('ogg');
		expect(howlerFormat({ mimeType: 'audio/ogg', codec: 'Opus' })).toBe('opus');
		expect(howlerFormat({ mimeType: 'audio/wav', codec: 'PCM' })).toBe('wav');
		expect(howlerFormat({ mimeType: 'audio/mp4', codec: 'AAC' })).toBe('m4a');
		expect(howlerFormat({ mimeType: 'audio/x-aiff', codec: '?' })).toBe('aiff');
	});
	it('formats times', () => {
		expect(formatTime(0)).toBe('0:00');
		expect(formatTime(7_900)).toBe('0:07');
		expect(formatTime(205_000)).toBe('3:25');
		expect(formatTime(3_723_000)).toBe('1:02:03');
		expect(formatTime(NaN)).toBe('0:00');
		expect(formatTime(-5)).toBe('0:00');
		expect(spokenTime(61_000)).toBe('1 minute 1 second');
		expect(spokenTime(7_000)).toBe('7 seconds');
		expect(spokenTime(3_600_000)).toBe('1 hour 0 minutes 0 seconds');
	});
	it('switches cover sizes', () => {
		expect(coverAt('/api/v1/tracks/x/cover?size=md&v=abc', 'sm')).toBe(
			'/api/v1/tracks/x/cover?size=sm&v=abc'
		);
		expect(coverAt('/api/v1/tracks/x/cover?v=abc&size=md', 'lg')).toBe(
			'/api/v1/tracks/x/cover?v=abc&size=lg'
		);
	});
});
