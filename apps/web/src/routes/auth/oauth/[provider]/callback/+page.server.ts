import { error, redirect } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { handleCallback } from '$lib/server/auth/oauth/flow';
import type { PageServerLoad } from './$types';

// The provider sends the browser here with ?code&state (or ?error). Every failure is a 400 page
// and never sets a session cookie.
export const load: PageServerLoad = async (event) => {
	let target: string;
	try {
		target = (await handleCallback(event, event.params.provider)).redirectTo;
	} catch (err) {
		if (err instanceof ApiError && err.status < 500) {
			error(err.status, { message: err.message, code: err.code });
		}
		throw err;
	}
	redirect(303, target);
};
