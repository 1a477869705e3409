import { apiGet, requireSignIn } from '$lib/library/api.server';
import type { Genre } from '$lib/library/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	return apiGet<{ genres: Genre[] }>(event, '/api/v1/genres');
};
