import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChorusServer } from './lib/handler.ts';

export function createMetrics(io: ChorusServer) {
	const registry = new Registry();
	collectDefaultMetrics({ register: registry });
	new Gauge({
		name: 'chorus_realtime_connected_sockets',
		help: 'Sockets connected to this node',
		registers: [registry],
		collect() {
			this.set(io.of('/').sockets.size);
		}
	});
	return { registry };
}
