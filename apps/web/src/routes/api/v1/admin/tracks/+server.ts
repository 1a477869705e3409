import { json } from '@sveltejs/kit';
import { adminEndpoint } from '$lib/server/admin/http';
import { listTracks, tracksQuery } from '$lib/server/admin/tracks';
import { methodNotAllowed, readQuery } from '$lib/server/api/http';

export const GET = adminEndpoint(async (event) =>
	json(await listTracks(readQuery(event.url, tracksQuery)))
);

export const fallback = methodNotAllowed;
