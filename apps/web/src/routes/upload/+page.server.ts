import { fail, redirect } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { ingestUpload } from '$lib/server/library/ingest';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
};

export const actions: Actions = {
	// Without JavaScript the file input posts here (one file per submit; the page uploads many,
	// with progress, through the API once scripts run).
	default: async ({ request, locals }) => {
		if (!locals.user) redirect(303, '/login?redirectTo=/upload');
		try {
			const track = await ingestUpload(request, locals.user);
			return { uploaded: { id: track.id, title: track.title, artist: track.artist } };
		} catch (err) {
			if (err instanceof ApiError) return fail(err.status, { error: err.message });
			throw err;
		}
	}
};
