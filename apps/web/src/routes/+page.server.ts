import { ApiError } from '$lib/server/api/errors';
import { homeFeed } from '$lib/server/library/home';
import { logger } from '$lib/server/logger';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.user) return { home: null, homeError: null };
	// The landing page must render even when the library is unwell: rows degrade to a notice.
	try {
		return { home: await homeFeed(locals.user), homeError: null };
	} catch (err) {
		if (err instanceof ApiError) return { home: null, homeError: err.message };
		logger('pages').error(
			{ err, requestId: locals.requestId, path: url.pathname },
			'home feed failed'
		);
		return { home: null, homeError: 'The library is not answering right now.' };
	}
};
