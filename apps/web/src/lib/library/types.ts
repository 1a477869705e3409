import type { Track } from '$lib/types';

export type { Track };

export interface PlaylistSummary {
	id: string;
	name: string;
	trackCount: number;
	durationMs: number;
	coverUrl: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface PlaylistItem {
	id: string;
	position: number;
	addedAt: string;
	track: Track;
}

export interface AlbumSummary {
	id: string;
	title: string;
	year: number | null;
	coverUrl: string;
	trackCount: number;
}

export interface AlbumDetail {
	id: string;
	title: string;
	artist: string;
	year: number | null;
	coverUrl: string;
	trackCount: number;
	durationMs: number;
}

export interface Genre {
	name: string;
	trackCount: number;
}

export interface Suggestions {
	tracks: { id: string; title: string; artist: string; coverUrl: string }[];
	artists: { name: string; trackCount: number }[];
	albums: { id: string; title: string; artist: string; coverUrl: string }[];
}

export interface Paged {
	tracks: Track[];
	nextCursor: string | null;
}

export interface HomeData {
	recentlyAdded: Track[];
	mostPlayed: Track[];
	mostLiked: Track[];
	continueListening: { track: Track; positionMs: number; updatedAt: string }[];
}
