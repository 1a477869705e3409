import { json } from '@sveltejs/kit';
import { adminEndpoint } from '$lib/server/admin/http';
import { takedownInput, takedownTrack } from '$lib/server/admin/tracks';
import { methodNotAllowed, readOptionalJson } from '$lib/server/api/http';

export const POST = adminEndpoint(async (event, actor) => {
	const input = await readOptionalJson(event.request, takedownInput);
	return json(await takedownTrack(actor, event.params.id!, input));
});

export const fallback = methodNotAllowed;
