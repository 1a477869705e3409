import { resolve } from '$app/paths';

// Artist names may hold '/', '?' or '#': encoded, they stay one path segment.
export const artistHref = (name: string) =>
	resolve('/artists/[name]', { name: encodeURIComponent(name) });
export const albumHref = (id: string) => resolve('/albums/[id]', { id });
export const trackHref = (id: string) => resolve('/tracks/[id]', { id });
export const playlistHref = (id: string) => resolve('/playlists/[id]', { id });

export function searchHref(params: { q?: string; genre?: string; sort?: string }) {
	const qs = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
	const s = qs.toString();
	return s ? resolve(`/search?${s}`) : resolve('/search');
}
