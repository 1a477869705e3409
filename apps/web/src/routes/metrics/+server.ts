import { metricsAccess, metricsRefusal } from '@chorus/ops';
import { json, type RequestHandler } from '@sveltejs/kit';
import { getEnv } from '$lib/server/env';
import { registry } from '$lib/server/metrics';

/**
 * Prometheus scrape, under the realtime service's rule (@chorus/ops): the bearer of
 * METRICS_TOKEN, or without one a loopback peer no proxy forwarded. The peer is the TCP one
 * (adapter-node's `platform.req`), never ADDRESS_HEADER's client address.
 */
export const GET: RequestHandler = async ({ request, platform, getClientAddress }) => {
	const headers = Object.fromEntries(request.headers);
	const peer = platform?.req?.socket.remoteAddress ?? getClientAddress();
	const verdict = metricsAccess(headers, peer, getEnv().METRICS_TOKEN);
	if (verdict !== 'ok') {
		const { status, headers, body } = metricsRefusal(verdict);
		return json(body, { status, headers });
	}
	return new Response(await registry.metrics(), {
		headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }
	});
};
