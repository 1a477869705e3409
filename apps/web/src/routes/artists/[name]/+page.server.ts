import { apiGet, requireSignIn } from '$lib/library/api.server';
import type { AlbumSummary, Track } from '$lib/library/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	return apiGet<{
		artist: { name: string; trackCount: number };
		albums: AlbumSummary[];
		tracks: Track[];
	}>(event, `/api/v1/artists/${encodeURIComponent(event.params.name)}`);
};
