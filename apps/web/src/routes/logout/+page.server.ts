import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { logout } from '$lib/server/auth/service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		if (locals.session) await logout(locals.session.id);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
};
