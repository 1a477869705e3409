import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db';
import type { LayoutServerLoad } from './$types';

// Every settings page is for the signed-in user only. Several ask for the current password,
// which accounts that sign in only with GitHub or Google do not have.
export const load: LayoutServerLoad = async ({ locals, url }) => {
	if (!locals.user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	const row = await getDb().user.findUnique({
		where: { id: locals.user.id },
		select: { passwordHash: true }
	});
	return { hasPassword: !!row?.passwordHash };
};
