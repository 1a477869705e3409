import { json } from '@sveltejs/kit';
import { adminEndpoint } from '$lib/server/admin/http';
import { storageUsage } from '$lib/server/admin/storage';
import { methodNotAllowed } from '$lib/server/api/http';

export const GET = adminEndpoint(async () => json(await storageUsage()));

export const fallback = methodNotAllowed;
