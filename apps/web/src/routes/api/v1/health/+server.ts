import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/api/http';
import { getDb } from '$lib/server/db';
import { getRedis } from '$lib/server/redis';

export const GET = endpoint(async () => {
	try {
		await getDb().$queryRaw`SELECT 1`;
		await getRedis()?.ping();
		return json({ status: 'ok' });
	} catch {
		return json({ status: 'unavailable' }, { status: 503 });
	}
});
