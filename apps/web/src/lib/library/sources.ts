// The lists tracks are played from, named for the queue ("Playing from album X").
import type { QueueSource } from '$lib/player/queue';
import { albumHref, artistHref, playlistHref, searchHref } from './links.ts';
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';

export const albumSource = (album: { id: string; title: string }): QueueSource => ({
	kind: 'album',
	name: album.title,
	href: albumHref(album.id)
});

export const artistSource = (name: string): QueueSource => ({
	kind: 'artist',
	name,
	href: artistHref(name)
});

export const playlistSource = (playlist: { id: string; name: string }): QueueSource => ({
	kind: 'playlist',
	name: playlist.name,
	href: playlistHref(playlist.id)
});

export const searchSource = (params: {
	q?: string;
	genre?: string;
	sort?: string;
}): QueueSource => ({
	kind: 'search',
	name: params.q || params.genre || '',
	href: searchHref(params)
});

export const likedSource = (): QueueSource => ({
	kind: 'liked',
	name: 'Liked songs',
	href: resolve('/library?tab=liked')
});

export const uploadsSource = (): QueueSource => ({
	kind: 'uploads',
	name: 'My uploads',
	href: resolve('/library?tab=uploads')
});

/** A home page shelf ("Recently added"), linking to its "See all". */
export const shelfSource = (title: string, href: ResolvedPathname): QueueSource => ({
	kind: 'shelf',
	name: title,
	href
});
