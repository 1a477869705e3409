// What the library pages and components handle, inferred from the zod schemas that the services
// return and the JSON API documents (GET /api/v1/openapi.json). Type-only: no server code
// reaches the browser.
export type { Track } from '../types.ts';
export type { AlbumDetail, AlbumSummary, Genre } from '../server/library/browse.ts';
export type { HomeJson as HomeData } from '../server/library/home.ts';
export type { LikeState } from '../server/library/likes.ts';
export type { TrackPage as Paged } from '../server/library/paging.ts';
export type {
	PlaylistItemJson as PlaylistItem,
	PlaylistJson as PlaylistSummary
} from '../server/library/playlists.ts';
export type { Suggestions } from '../server/library/search.ts';
