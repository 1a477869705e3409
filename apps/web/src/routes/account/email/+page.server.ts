import { redirect } from '@sveltejs/kit';
import { emailChangeInput, requestEmailChange } from '$lib/server/email/email-change';
import { resendVerification } from '$lib/server/email/verification';
import { formAction } from '$lib/server/forms';
import { z } from 'zod';
import type { Actions } from './$types';

export const actions: Actions = {
	resend: async ({ request, locals, getClientAddress }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account/email');
		return formAction(request, z.strictObject({}), async () => {
			await resendVerification(user, getClientAddress());
			return { resent: true as const };
		});
	},
	change: async ({ request, locals, getClientAddress }) => {
		const user = locals.user;
		if (!user) redirect(303, '/login?redirectTo=/account/email');
		return formAction(
			request,
			emailChangeInput,
			async (input) => {
				await requestEmailChange(user.id, input, getClientAddress());
				return { changeSent: true as const, newEmail: input.email };
			},
			['email']
		);
	}
};
