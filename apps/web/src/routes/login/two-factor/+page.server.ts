import { redirect } from '@sveltejs/kit';
import { sessionAction } from '$lib/server/auth/actions';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { logout } from '$lib/server/auth/service';
import { completeSignIn, secondFactorInput } from '$lib/server/auth/two-factor';
import { safeRedirect } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeRedirect(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, next);
	// Only a session that gave its password has anything to finish here.
	if (!locals.pendingTwoFactor) redirect(303, `/login?redirectTo=${encodeURIComponent(next)}`);
};

export const actions: Actions = {
	verify: (event) => {
		const pending = event.locals.pendingTwoFactor;
		if (!pending) redirect(303, '/login');
		return sessionAction(
			secondFactorInput,
			(input, meta) => completeSignIn(pending, input, meta),
			[]
		)(event);
	},
	cancel: async ({ locals, cookies }) => {
		if (locals.pendingTwoFactor) await logout(locals.pendingTwoFactor.session.id);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
};
