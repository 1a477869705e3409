import { redirect } from '@sveltejs/kit';
import { changePassword, passwordChangeInput } from '$lib/server/account/sessions';
import { formAction } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const { user, session } = locals;
		if (!user || !session) redirect(303, '/login?redirectTo=/account/password');
		return formAction(request, passwordChangeInput, async (input) => {
			await changePassword(user.id, session.id, input);
			return { changed: true };
		});
	}
};
