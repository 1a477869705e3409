import { fail, redirect } from '@sveltejs/kit';
import { MAX_AVATAR_BYTES, removeAvatar, setAvatar } from '$lib/server/account/avatar';
import { ApiError } from '$lib/server/api/errors';
import { displayNameInput, updateDisplayName } from '$lib/server/auth/service';
import { formAction, readForm } from '$lib/server/forms';
import { claimGuest, claimInput } from '$lib/server/rooms/guests';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	return {
		session: { createdAt: locals.session!.createdAt, expiresAt: locals.session!.expiresAt }
	};
};

export const actions: Actions = {
	displayName: async ({ request, locals }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account');
		return formAction(
			request,
			displayNameInput,
			async ({ displayName }) => {
				await updateDisplayName(user.id, displayName);
				return { saved: true };
			},
			['displayName']
		);
	},
	claim: async ({ request, locals }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account');
		return formAction(
			request,
			claimInput,
			async (input) => {
				const claimed = await claimGuest(user, input);
				// The page re-renders in this request: show the account as it is now.
				locals.user = { ...user, email: claimed.email, isGuest: false };
				return { claimed: true };
			},
			['email']
		);
	},
	avatar: async ({ request, locals }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account');
		const file = (await readForm(request)).get('avatar');
		if (!(file instanceof Blob) || file.size === 0)
			return fail(400, { avatarMessage: 'Choose an image first' });
		if (file.size > MAX_AVATAR_BYTES)
			return fail(413, { avatarMessage: 'That image is larger than 10 MB' });
		try {
			const avatarUpdatedAt = await setAvatar(user.id, Buffer.from(await file.arrayBuffer()));
			locals.user = { ...user, avatarUpdatedAt };
		} catch (err) {
			if (err instanceof ApiError && err.status < 500)
				return fail(err.status, { avatarMessage: err.message });
			throw err;
		}
		return { avatarSaved: true };
	},
	removeAvatar: async ({ locals }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account');
		await removeAvatar(user.id);
		locals.user = { ...user, avatarUpdatedAt: null };
		return { avatarRemoved: true };
	}
};
