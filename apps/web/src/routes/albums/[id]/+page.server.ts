import { apiGet, requireSignIn } from '$lib/library/api.server';
import type { AlbumDetail, Track } from '$lib/library/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	return apiGet<{ album: AlbumDetail; tracks: Track[] }>(
		event,
		`/api/v1/albums/${encodeURIComponent(event.params.id)}`
	);
};
