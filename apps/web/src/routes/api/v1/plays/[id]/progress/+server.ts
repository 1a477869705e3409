import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { progressInput, reportProgress } from '$lib/server/library/plays';

export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const input = await readJson(event.request, progressInput);
	return json(await reportProgress(event.params.id!, user, input));
});

export const fallback = methodNotAllowed;
