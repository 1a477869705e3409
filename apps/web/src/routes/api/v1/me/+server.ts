import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, readJson, requireUser } from '$lib/server/api/http';
import { deleteAccount, deleteAccountInput } from '$lib/server/account/delete';
import { clearSessionCookie } from '$lib/server/auth/cookies';
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

/** Deletes your account (see deleteAccount for what is kept); signs every session out. */
export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	const result = await deleteAccount(user.id, await readJson(event.request, deleteAccountInput));
	clearSessionCookie(event.cookies);
	return json(result);
});

export const fallback = methodNotAllowed;
