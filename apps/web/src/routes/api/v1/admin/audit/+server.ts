import { json } from '@sveltejs/kit';
import { auditQuery, listAudit } from '$lib/server/admin/audit';
import { adminEndpoint } from '$lib/server/admin/http';
import { methodNotAllowed, readQuery } from '$lib/server/api/http';

export const GET = adminEndpoint(async (event) =>
	json(await listAudit(readQuery(event.url, auditQuery)))
);

export const fallback = methodNotAllowed;
