import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { formAction } from '$lib/server/forms';
import { acceptInvite, guestJoinInput, previewInvite } from '$lib/server/rooms/invites';
import { isMember } from '$lib/server/rooms/rooms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, getClientAddress, setHeaders }) => {
	// Invite links are bearer secrets and their state changes: keep the page out of caches.
	setHeaders({ 'cache-control': 'no-store' });
	try {
		const preview = await previewInvite(params.token, getClientAddress());
		const alreadyMember = locals.user ? await isMember(preview.room.id, locals.user.id) : false;
		return { preview, alreadyMember };
	} catch (err) {
		// Every unusable link gets the same 410 page (see previewInvite).
		if (err instanceof ApiError) error(err.status, { message: err.message, code: err.code });
		throw err;
	}
};

export const actions: Actions = {
	default: async ({ request, params, locals, cookies, getClientAddress }) => {
		const meta = { ip: getClientAddress(), userAgent: request.headers.get('user-agent') };
		const user = locals.user;
		const result = user
			? await formAction(request, z.object({}), async () => {
					return (await acceptInvite(params.token, { user }, meta)).room.id;
				})
			: await formAction(
					request,
					guestJoinInput,
					async ({ displayName }) => {
						const joined = await acceptInvite(params.token, { displayName }, meta);
						if (joined.session) {
							setSessionCookie(cookies, joined.session.token, joined.session.expiresAt);
						}
						return joined.room.id;
					},
					['displayName']
				);
		if (typeof result !== 'string') return result;
		redirect(303, `/rooms/${result}`);
	}
};
