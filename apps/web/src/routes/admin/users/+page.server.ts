import { adminForPage } from '$lib/server/admin/pages';
import { listUsers, usersQuery } from '$lib/server/admin/users';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await adminForPage(event);
	const parsed = usersQuery.safeParse(Object.fromEntries(event.url.searchParams));
	const query = parsed.success ? parsed.data : usersQuery.parse({});
	return { query, result: await listUsers(query) };
};
