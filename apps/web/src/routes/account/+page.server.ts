import { redirect } from '@sveltejs/kit';
import { displayNameInput, updateDisplayName } from '$lib/server/auth/service';
import { formAction } from '$lib/server/forms';
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
	}
};
