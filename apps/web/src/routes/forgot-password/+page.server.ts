import { formAction } from '$lib/server/forms';
import { requestPasswordReset, resetRequestInput } from '$lib/server/email/password-reset';
import type { Actions } from './$types';

export const actions: Actions = {
	default: ({ request, getClientAddress }) =>
		formAction(
			request,
			resetRequestInput,
			async ({ email }) => {
				await requestPasswordReset(email, getClientAddress());
				return { sent: true as const, email };
			},
			['email']
		)
};
