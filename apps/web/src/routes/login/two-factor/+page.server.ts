import { redirect } from '@sveltejs/kit';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/cookies';
import { logout } from '$lib/server/auth/service';
import { completeSignIn, secondFactorInput } from '$lib/server/auth/two-factor';
import { formAction, safeRedirect } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeRedirect(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, next);
	// Only a session that gave its password has anything to finish here.
	if (!locals.pendingTwoFactor) redirect(303, `/login?redirectTo=${encodeURIComponent(next)}`);
};

export const actions: Actions = {
	verify: async ({ request, locals, cookies, url, getClientAddress }) => {
		const pending = locals.pendingTwoFactor;
		if (!pending) redirect(303, '/login');
		const result = await formAction(request, secondFactorInput, async (input) => {
			const { token, session } = await completeSignIn(pending, input, {
				ip: getClientAddress(),
				userAgent: request.headers.get('user-agent')
			});
			setSessionCookie(cookies, token, session.expiresAt);
			return null;
		});
		if (result) return result;
		redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	},
	cancel: async ({ locals, cookies }) => {
		if (locals.pendingTwoFactor) await logout(locals.pendingTwoFactor.session.id);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
};
