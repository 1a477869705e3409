import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { readAvatarUpload, removeAvatar, setAvatar } from '$lib/server/account/avatar';
import { toPublic } from '$lib/server/auth/service';

/** Sets your avatar from a JPEG, PNG or WebP image (raw body, or multipart field `avatar`). */
export const POST = endpoint(async (event) => {
	const { user } = requireUser(event);
	const avatarUpdatedAt = await setAvatar(user.id, await readAvatarUpload(event.request));
	return json({ user: toPublic({ ...user, avatarUpdatedAt }) });
});

export const DELETE = endpoint(async (event) => {
	const { user } = requireUser(event);
	await removeAvatar(user.id);
	return json({ user: toPublic({ ...user, avatarUpdatedAt: null }) });
});

export const fallback = methodNotAllowed;
