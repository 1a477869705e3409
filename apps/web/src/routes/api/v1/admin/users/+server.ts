import { json } from '@sveltejs/kit';
import { adminEndpoint } from '$lib/server/admin/http';
import { listUsers, usersQuery } from '$lib/server/admin/users';
import { methodNotAllowed, readQuery } from '$lib/server/api/http';

export const GET = adminEndpoint(async (event) =>
	json(await listUsers(readQuery(event.url, usersQuery)))
);

export const fallback = methodNotAllowed;
