import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { displayNameInput, toPublic, updateDisplayName } from '$lib/server/auth/service';

export const GET = endpoint((event) => {
	const { user } = requireUser(event);
	return json({ user: toPublic(user) });
});

export const PATCH = endpoint(async (event) => {
	const { user } = requireUser(event);
	const { displayName } = await readJson(event.request, displayNameInput);
	return json({ user: await updateDisplayName(user.id, displayName) });
});

export const fallback = methodNotAllowed;
