import { json } from '@sveltejs/kit';
import { readiness } from '$lib/server/health';
import { logger } from '$lib/server/logger';

/** 200 when every dependency answers; 503 naming the ones that did not. */
export const GET = async () => {
	const { ok, checks } = await readiness();
	if (!ok) logger('health').warn({ checks }, 'readiness check failed');
	return json({ status: ok ? 'ok' : 'unavailable', checks }, { status: ok ? 200 : 503 });
};
