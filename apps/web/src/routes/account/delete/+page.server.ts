import { redirect } from '@sveltejs/kit';
import { deleteAccount, deleteAccountInput } from '$lib/server/account/delete';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { formAction } from '$lib/server/forms';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, locals, cookies }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account/delete');
		const result = await formAction(request, deleteAccountInput, async (input) => {
			await deleteAccount(user.id, { ...input, password: input.password || undefined });
			return { deleted: true as const };
		});
		if ('deleted' in result) {
			clearSessionCookie(cookies);
			redirect(303, '/login?deleted=1');
		}
		return result;
	}
};
