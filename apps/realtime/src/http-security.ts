import type { RequestHandler } from 'express';
import { metricsAccess, metricsRefusal, redactUrl, requestIdFrom } from '@chorus/ops';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'socket.io';
import type { Logger } from './logger.ts';

/**
 * nosniff on every HTTP answer of the node, Socket.IO's included: engine.io answers its own paths
 * before Express sees them, so the header is set by the first 'request' listener (registered
 * after Socket.IO attached, prepended ahead of it) and on the WebSocket upgrade's headers.
 */
export function hardenHttp(httpServer: HttpServer, io: Server): void {
	httpServer.prependListener('request', (_req, res) => {
		res.setHeader('X-Content-Type-Options', 'nosniff');
	});
	io.engine.on('headers', (headers: Record<string, string>) => {
		headers['X-Content-Type-Options'] = 'nosniff';
	});
}

/** Express guard for /metrics (the rule: metricsAccess in @chorus/ops, shared with the web app). */
export function requireMetricsAccess(token: string | undefined): RequestHandler {
	return (req, res, next) => {
		const verdict = metricsAccess(req.headers, req.socket.remoteAddress, token);
		if (verdict === 'ok') return next();
		const refusal = metricsRefusal(verdict);
		res.set(refusal.headers).status(refusal.status).json(refusal.body);
	};
}

/**
 * One access line per HTTP request Express answers (health, metrics), with its request id
 * (the caller's X-Request-Id when well-formed). Socket.IO's own paths are answered by engine.io
 * and logged per socket and command instead. Query values that look like credentials are hidden.
 */
export function accessLog(log: Logger): RequestHandler {
	return (req, res, next) => {
		const requestId = requestIdFrom(req.headers['x-request-id']);
		res.setHeader('X-Request-Id', requestId);
		const started = performance.now();
		res.on('finish', () => {
			const url = redactUrl(new URL(req.originalUrl, 'http://realtime'));
			log.info(
				{
					requestId,
					method: req.method,
					url,
					status: res.statusCode,
					ms: +(performance.now() - started).toFixed(2)
				},
				'request'
			);
		});
		next();
	};
}
