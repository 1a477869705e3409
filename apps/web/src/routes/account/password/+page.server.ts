import { redirect } from '@sveltejs/kit';
import { changePassword, passwordChangeInput } from '$lib/server/account/sessions';
import { getDb } from '$lib/server/db';
import { formAction } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const row = await getDb().user.findUnique({
		where: { id: locals.user!.id },
		select: { passwordHash: true }
	});
	return { hasPassword: !!row?.passwordHash };
};

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
