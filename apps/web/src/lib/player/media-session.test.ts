import { describe, expect, it } from 'vitest';
import { artworkFor } from './media-session.ts';

describe('media session artwork', () => {
	it('offers the cover at 96, 300 and 600 px as absolute WebP URLs', () => {
		const art = artworkFor('/api/v1/tracks/t1/cover?size=md&v=abc123', 'http://localhost:4173');
		expect(art).toEqual([
			{
				src: 'http://localhost:4173/api/v1/tracks/t1/cover?size=sm&v=abc123',
				sizes: '96x96',
				type: 'image/webp'
			},
			{
				src: 'http://localhost:4173/api/v1/tracks/t1/cover?size=md&v=abc123',
				sizes: '300x300',
				type: 'image/webp'
			},
			{
				src: 'http://localhost:4173/api/v1/tracks/t1/cover?size=lg&v=abc123',
				sizes: '600x600',
				type: 'image/webp'
			}
		]);
	});
});
