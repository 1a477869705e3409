import { env } from '$env/dynamic/public';
import { toPublic } from '$lib/server/auth/service';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	user: locals.user ? toPublic(locals.user) : null,
	realtimeUrl: env.PUBLIC_REALTIME_URL ?? ''
});
