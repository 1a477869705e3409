import { json } from '@sveltejs/kit';
import { adminEndpoint } from '$lib/server/admin/http';
import { deleteUser, getUser, updateUser, userPatchInput } from '$lib/server/admin/users';
import { methodNotAllowed, readJson } from '$lib/server/api/http';

export const GET = adminEndpoint(async (event) => json({ user: await getUser(event.params.id!) }));

export const PATCH = adminEndpoint(async (event, actor) => {
	const input = await readJson(event.request, userPatchInput);
	return json({ user: await updateUser(actor, event.params.id!, input) });
});

export const DELETE = adminEndpoint(async (event, actor) =>
	json(await deleteUser(actor, event.params.id!))
);

export const fallback = methodNotAllowed;
