// A TCP proxy on loopback that adds a fixed delay: every chunk is forwarded half the delay after
// it arrived, in both directions, in order. A connection through it therefore has `rttMs` more
// round trip than a direct one. It works below HTTP, so WebSocket upgrades and frames pass
// through untouched. Used to put one listener of bench/sync behind a slow link.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface DelayProxy {
	/** Loopback port the proxy listens on. */
	port: number;
	/** Added round-trip time in ms (half of it each way). */
	rttMs: number;
	/** Connections accepted so far. */
	connections(): number;
	close(): Promise<void>;
}

/**
 * Forwards `from` to `to`, each chunk `delayMs` after it arrived. One timer per direction
 * drains a FIFO, so the order is kept even when timers fire late; `to` is ended once everything
 * sent before `from` ended has been written.
 */
function pipeDelayed(from: Socket, to: Socket, delayMs: number): void {
	const queue: { due: number; chunk: Buffer | null }[] = [];
	let timer: NodeJS.Timeout | undefined;
	const drain = () => {
		timer = undefined;
		const now = performance.now();
		while (queue.length > 0 && queue[0]!.due <= now) {
			const { chunk } = queue.shift()!;
			if (to.destroyed) return;
			if (chunk === null) to.end();
			else to.write(chunk);
		}
		if (queue.length > 0) {
			timer = setTimeout(drain, Math.max(0, queue[0]!.due - performance.now()));
		}
	};
	const push = (chunk: Buffer | null) => {
		queue.push({ due: performance.now() + delayMs, chunk });
		if (!timer) timer = setTimeout(drain, delayMs);
	};
	from.on('data', (chunk: Buffer) => push(chunk));
	from.on('end', () => push(null));
	from.on('close', () => {
		// An abrupt close (reset) is passed on as such, after the data already in flight.
		if (!from.readableEnded) {
			queue.length = 0;
			clearTimeout(timer);
			to.destroy();
		}
	});
}

/** Starts a proxy on 127.0.0.1 (random port) in front of `target` (host:port on loopback). */
export async function startDelayProxy(
	target: { host: string; port: number },
	rttMs: number
): Promise<DelayProxy> {
	if (!Number.isFinite(rttMs) || rttMs < 0) throw new Error(`bad delay ${rttMs}`);
	const oneWayMs = rttMs / 2;
	const sockets = new Set<Socket>();
	let accepted = 0;
	// Half-open: each side's end is passed on only after the data delayed before it.
	const server = createServer({ allowHalfOpen: true }, (client) => {
		accepted++;
		const upstream = createConnection({ ...target, allowHalfOpen: true });
		for (const s of [client, upstream]) {
			// Nagle would add its own, variable delay on top of ours.
			s.setNoDelay(true);
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => {
				client.destroy();
				upstream.destroy();
			});
		}
		pipeDelayed(client, upstream, oneWayMs);
		pipeDelayed(upstream, client, oneWayMs);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		port,
		rttMs,
		connections: () => accepted,
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			})
	};
}
