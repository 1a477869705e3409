import type { RequestEvent } from '@sveltejs/kit';
import { endpoint } from '../api/http.ts';
import { requireAdmin, type Actor } from './roles.ts';

/** An /api/v1/admin handler: 401 / 403 before anything else runs, then the admin as actor. */
export function adminEndpoint(
	handler: (event: RequestEvent, actor: Actor) => Promise<Response> | Response
) {
	return endpoint(async (event) => handler(event, await requireAdmin(event.locals.user)));
}
