import { auditQuery, listAudit } from '$lib/server/admin/audit';
import { adminForPage } from '$lib/server/admin/pages';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await adminForPage(event);
	const parsed = auditQuery.safeParse(Object.fromEntries(event.url.searchParams));
	const query = parsed.success ? parsed.data : auditQuery.parse({});
	return { query, result: await listAudit(query) };
};
