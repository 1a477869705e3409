import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { login, loginInput } from '$lib/server/auth/service';
import { formAction, safeRedirect } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
};

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress, url }) => {
		const userAgent = request.headers.get('user-agent');
		const result = await formAction(
			request,
			loginInput,
			async (input) => {
				const { token, session } = await login(input, { ip: getClientAddress(), userAgent });
				setSessionCookie(cookies, token, session.expiresAt);
				return null;
			},
			['email']
		);
		if (result) return result;
		redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
	}
};
