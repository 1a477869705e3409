import { fail } from '@sveltejs/kit';
import { ApiError } from '$lib/server/api/errors';
import { listConnections, unlinkConnection } from '$lib/server/auth/oauth/service';
import { PROVIDER_LABELS, type ProviderId } from '$lib/server/auth/oauth/providers';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms';

export const load: PageServerLoad = async ({ locals, url }) => {
	const linked = url.searchParams.get('linked');
	return {
		connections: await listConnections(locals.user!.id),
		justLinked: linked && linked in PROVIDER_LABELS ? PROVIDER_LABELS[linked as ProviderId] : null
	};
};

export const actions: Actions = {
	unlink: async ({ request, locals }) => {
		if (!locals.user) return fail(401, { message: 'Sign in first' });
		const provider = String((await readForm(request)).get('provider') ?? '');
		try {
			await unlinkConnection(locals.user.id, provider);
		} catch (err) {
			if (err instanceof ApiError && err.status < 500) {
				return fail(err.status, { message: err.message, provider });
			}
			throw err;
		}
		const label = PROVIDER_LABELS[provider as ProviderId] ?? provider;
		return { unlinked: label };
	}
};
