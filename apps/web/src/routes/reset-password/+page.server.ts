import { formAction } from '$lib/server/forms';
import {
	checkResetToken,
	confirmPasswordReset,
	resetConfirmInput
} from '$lib/server/email/password-reset';
import type { Actions, PageServerLoad } from './$types';

// Checking the link does not use it: only the form POST does.
export const load: PageServerLoad = async ({ url, setHeaders }) => {
	// The token is in this page's URL: not cached (the <meta name="referrer"> keeps it out of Referers).
	setHeaders({ 'cache-control': 'no-store' });
	const token = url.searchParams.get('token') ?? '';
	return { token, ...(await checkResetToken(token)) };
};

export const actions: Actions = {
	default: ({ request }) =>
		formAction(request, resetConfirmInput, async (input) => {
			await confirmPasswordReset(input);
			return { done: true as const };
		})
};
