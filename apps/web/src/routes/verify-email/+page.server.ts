import { formAction } from '$lib/server/forms';
import {
	confirmEmailInput,
	confirmEmailToken,
	peekEmailToken
} from '$lib/server/email/verification';
import type { Actions, PageServerLoad } from './$types';

// Mail scanners open links: loading this page only looks at the token; the button confirms.
export const load: PageServerLoad = async ({ url, setHeaders }) => {
	// The token is in this page's URL: not cached (the <meta name="referrer"> keeps it out of Referers).
	setHeaders({ 'cache-control': 'no-store' });
	const token = url.searchParams.get('token') ?? '';
	return { token, link: await peekEmailToken(token) };
};

export const actions: Actions = {
	default: ({ request }) =>
		formAction(request, confirmEmailInput, async ({ token }) => ({
			done: true as const,
			...(await confirmEmailToken(token))
		}))
};
