// The node's Prometheus metrics (GET /metrics). Names are documented in docs/operations.md, and
// deploy/monitoring.int.test.ts checks every alert and dashboard query against what is exported.
import { CLIENT_EVENTS } from '@chorus/protocol';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChorusServer } from './engine/index.ts';

/** Acks are answered in milliseconds; the tail up to seconds is what an alert looks for. */
const ACK_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Clock round trips: loopback is sub-millisecond, mobile networks hundreds of ms. */
const RTT_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];
/** Reported drift (absolute): the controller's dead zone is a few ms, seeks start at hundreds. */
const DRIFT_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5];
const FANOUT_BUCKETS = [0, 1, 2, 5, 10, 25, 50, 100, 250, 1000];

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);
/** Label values stay a closed set: anything a client invents counts as 'unknown'. */
export const eventLabel = (event: string) => (KNOWN_EVENTS.has(event) ? event : 'unknown');

export type Dependency = 'postgres' | 'redis';

export interface Metrics {
	readonly registry: Registry;
	/** One answered command: its outcome ('ok' or the error code) and how long the ack took. */
	command(event: string, code: string | null, seconds: number): void;
	/** A broadcast to a room (or user) and how many sockets on this node it reached. */
	broadcast(event: string, localRecipients: number): void;
	clockRtt(ms: number): void;
	syncDrift(ms: number): void;
	advance(): void;
	dependencyError(dependency: Dependency): void;
}

export function createMetrics(io: ChorusServer): Metrics {
	const registry = new Registry();
	const registers = [registry];
	collectDefaultMetrics({ register: registry });
	new Gauge({
		name: 'chorus_realtime_connected_sockets',
		help: 'Sockets connected to this node',
		registers,
		collect() {
			this.set(io.of('/').sockets.size);
		}
	});
	new Gauge({
		name: 'chorus_realtime_rooms_active',
		help: 'Rooms with at least one socket on this node',
		registers,
		collect() {
			let rooms = 0;
			for (const key of io.of('/').adapter.rooms.keys()) if (key.startsWith('room:')) rooms++;
			this.set(rooms);
		}
	});
	const events = new Counter({
		name: 'chorus_realtime_events_total',
		help: 'Commands answered, by event and outcome (ok | error) and error code',
		labelNames: ['event', 'outcome', 'code'] as const,
		registers
	});
	const ack = new Histogram({
		name: 'chorus_realtime_ack_duration_seconds',
		help: 'Time from receiving a command to sending its ack',
		labelNames: ['event'] as const,
		buckets: ACK_BUCKETS_S,
		registers
	});
	const broadcasts = new Counter({
		name: 'chorus_realtime_broadcasts_total',
		help: 'Broadcasts sent (to a room, a user), by event',
		labelNames: ['event'] as const,
		registers
	});
	const fanout = new Histogram({
		name: 'chorus_realtime_broadcast_fanout_sockets',
		help: 'Sockets on this node a broadcast reached (other nodes count their own)',
		buckets: FANOUT_BUCKETS,
		registers
	});
	const rtt = new Histogram({
		name: 'chorus_realtime_clock_rtt_seconds',
		help: 'Clock-sync round trips reported by clients',
		buckets: RTT_BUCKETS_S,
		registers
	});
	const drift = new Histogram({
		name: 'chorus_realtime_sync_drift_seconds',
		help: 'Absolute drift from the room timeline reported by listening devices (sync:report)',
		buckets: DRIFT_BUCKETS_S,
		registers
	});
	const advances = new Counter({
		name: 'chorus_realtime_playback_advances_total',
		help: 'Tracks that ended and moved their room on, decided by this node',
		registers
	});
	const dependencyErrors = new Counter({
		name: 'chorus_realtime_dependency_errors_total',
		help: 'Errors talking to PostgreSQL or Redis',
		labelNames: ['dependency'] as const,
		registers
	});
	// Zero series from the start, so rate() and absent-series alerts work before the first error.
	for (const dependency of ['postgres', 'redis']) dependencyErrors.inc({ dependency }, 0);
	advances.inc(0);

	return {
		registry,
		command(event, code, seconds) {
			const name = eventLabel(event);
			events.inc({ event: name, outcome: code ? 'error' : 'ok', code: code ?? '' });
			ack.observe({ event: name }, seconds);
		},
		broadcast(event, localRecipients) {
			broadcasts.inc({ event });
			fanout.observe(localRecipients);
		},
		clockRtt: (ms) => rtt.observe(ms / 1000),
		syncDrift: (ms) => drift.observe(Math.abs(ms) / 1000),
		advance: () => advances.inc(),
		dependencyError: (dependency) => dependencyErrors.inc({ dependency })
	};
}

/** Errors raised by PostgreSQL (a SQLSTATE) or by Prisma / its pg driver adapter. */
export function isDatabaseError(err: unknown): boolean {
	if (!err || typeof err !== 'object') return false;
	const { name, code } = err as { name?: unknown; code?: unknown };
	if (typeof name === 'string' && /^(Prisma|DriverAdapter)/.test(name)) return true;
	return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code);
}
