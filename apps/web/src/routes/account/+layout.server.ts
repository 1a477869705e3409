import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// Every settings page is for the signed-in user only.
export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
};
