import { takedownForm } from '$lib/server/admin/forms';
import { adminAction, adminForPage } from '$lib/server/admin/pages';
import { listTracks, takedownTrack, tracksQuery } from '$lib/server/admin/tracks';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await adminForPage(event);
	const parsed = tracksQuery.safeParse(Object.fromEntries(event.url.searchParams));
	const query = parsed.success ? parsed.data : tracksQuery.parse({});
	return { query, result: await listTracks(query) };
};

export const actions: Actions = {
	takedown: adminAction(takedownForm, async (actor, { trackId, reason }) => {
		const result = await takedownTrack(actor, trackId, { reason });
		return { done: 'Track removed for everyone.', result };
	})
};
