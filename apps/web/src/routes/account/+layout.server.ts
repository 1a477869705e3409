import { redirect } from '@sveltejs/kit';
import { hasPassword } from '$lib/server/account/sessions';
import type { LayoutServerLoad } from './$types';

// Every settings page is for the signed-in user only. Several ask for the current password,
// which accounts that sign in only with GitHub or Google do not have.
export const load: LayoutServerLoad = async ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	return { hasPassword: await hasPassword(locals.user.id) };
};
