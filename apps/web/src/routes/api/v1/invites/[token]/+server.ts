import { json } from '@sveltejs/kit';
import { endpoint, methodNotAllowed } from '$lib/server/api/http';
import { previewInvite } from '$lib/server/rooms/invites';

export const GET = endpoint(async ({ params, getClientAddress }) =>
	json(await previewInvite(params.token!, getClientAddress()), {
		headers: { 'cache-control': 'no-store' }
	})
);

export const fallback = methodNotAllowed;
