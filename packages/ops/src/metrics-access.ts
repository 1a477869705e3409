import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** Shortest METRICS_TOKEN either service accepts. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	if (isIP(v4) === 4) return loopback.check(v4, 'ipv4');
	return isIP(address) === 6 && loopback.check(address, 'ipv6');
}

/** A request a proxy passed on: from loopback, but not from this host's own scraper. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

const digest = (s: string) => createHash('sha256').update(s).digest();

export type MetricsVerdict = 'ok' | 'unauthorized' | 'forbidden';

/**
 * Who may read /metrics: with METRICS_TOKEN, the bearer of the token (from anywhere); without
 * one, a peer on this host that no proxy forwarded. `peer` is the TCP peer's address, never one
 * taken from a header (behind nginx every request comes from loopback).
 */
export function metricsAccess(
	headers: Record<string, string | string[] | undefined>,
	peer: string | undefined,
	token: string | undefined
): MetricsVerdict {
	if (token) {
		const header = headers.authorization;
		const given = /^Bearer\s+(\S+)$/i.exec(typeof header === 'string' ? header : '')?.[1];
		// Digests have equal length, so the comparison takes the same time for any guess.
		return given && timingSafeEqual(digest(given), digest(token)) ? 'ok' : 'unauthorized';
	}
	const proxied = PROXY_HEADERS.some((h) => headers[h] !== undefined);
	return isLoopback(peer) && !proxied ? 'ok' : 'forbidden';
}

/** The answer to a scraper metricsAccess turned away, in the services' error shape. */
export function metricsRefusal(verdict: Exclude<MetricsVerdict, 'ok'>): {
	status: 401 | 403;
	headers: Record<string, string>;
	body: { error: { code: 'UNAUTHENTICATED' | 'FORBIDDEN'; message: string } };
} {
	if (verdict === 'unauthorized') {
		return {
			status: 401,
			headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
			body: {
				error: { code: 'UNAUTHENTICATED', message: 'Send Authorization: Bearer <METRICS_TOKEN>' }
			}
		};
	}
	return {
		status: 403,
		headers: {},
		body: {
			error: {
				code: 'FORBIDDEN',
				message: 'Metrics are served to this host only; set METRICS_TOKEN to scrape remotely'
			}
		}
	};
}
