import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { claimGuest, claimInput } from '$lib/server/rooms/guests';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const input = await readJson(event.request, claimInput);
	return json({ user: await claimGuest(user, input) });
});

export const fallback = methodNotAllowed;
