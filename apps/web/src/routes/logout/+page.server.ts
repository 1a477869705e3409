import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { logout } from '$lib/server/auth/service';
import { readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

// A guest account has no email or password: once signed out, nobody can sign in as it again.
// So a guest is warned first (and offered to claim the account); everyone else is not asked.
export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user?.isGuest) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async ({ locals, cookies, request }) => {
		if (locals.user?.isGuest && (await readForm(request)).get('confirm') !== 'lose-guest') {
			redirect(303, '/logout');
		}
		if (locals.session) await logout(locals.session.id);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
};
