import { redirect } from '@sveltejs/kit';
import { displayNameInput, updateDisplayName } from '$lib/server/auth/service';
import { formAction } from '$lib/server/forms';
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
	}
};
