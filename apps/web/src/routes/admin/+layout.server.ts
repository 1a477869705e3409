import { adminForPage } from '$lib/server/admin/pages';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => ({ admin: await adminForPage(event) });
