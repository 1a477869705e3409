import { json } from '@sveltejs/kit';
import { cleanupGuests, guestCleanupInput } from '$lib/server/admin/guests';
import { adminEndpoint } from '$lib/server/admin/http';
import { methodNotAllowed, readOptionalJson } from '$lib/server/api/http';

export const POST = adminEndpoint(async (event, actor) => {
	const input = await readOptionalJson(event.request, guestCleanupInput);
	return json(await cleanupGuests(actor, input.olderThanDays));
});

export const fallback = methodNotAllowed;
