import { env } from '$env/dynamic/public';
import { isAdmin } from '$lib/server/admin/roles';
import { toPublic } from '$lib/server/auth/service';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => ({
	user: locals.user ? toPublic(locals.user) : null,
	/** Shows the Admin link; every admin page and action checks again on its own. */
	isAdmin: locals.user ? await isAdmin(locals.user.id) : false,
	realtimeUrl: env.PUBLIC_REALTIME_URL ?? ''
});
