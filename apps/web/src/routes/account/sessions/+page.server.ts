import { fail, redirect } from '@sveltejs/kit';
import { listSessions, revokeSession, revokeSessions } from '$lib/server/account/sessions';
import { ApiError } from '$lib/server/api/errors';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms';

export const load: PageServerLoad = async ({ locals }) => ({
	sessions: await listSessions(locals.user!.id, locals.session!.id)
});

function signedIn(locals: App.Locals) {
	if (!locals.user || !locals.session) redirect(303, '/login?redirectTo=/account/sessions');
	return { user: locals.user, session: locals.session };
}

export const actions: Actions = {
	revoke: async ({ request, locals, cookies }) => {
		const { user, session } = signedIn(locals);
		const id = (await readForm(request)).get('id');
		if (typeof id !== 'string' || !id) return fail(400, { message: 'Which session?' });
		try {
			await revokeSession(user.id, id);
		} catch (err) {
			if (err instanceof ApiError && err.status === 404)
				return fail(404, { message: 'That session has already ended' });
			throw err;
		}
		if (id === session.id) {
			clearSessionCookie(cookies);
			redirect(303, '/login');
		}
		return { revoked: 1 };
	},
	revokeOthers: async ({ locals }) => {
		const { user, session } = signedIn(locals);
		return { revoked: await revokeSessions(user.id, session.id) };
	},
	revokeAll: async ({ locals, cookies }) => {
		const { user } = signedIn(locals);
		await revokeSessions(user.id, null);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
};
