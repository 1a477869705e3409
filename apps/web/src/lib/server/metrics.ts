// The web app's Prometheus metrics (GET /metrics). Names are documented in docs/operations.md,
// and deploy/monitoring.int.test.ts checks every alert and dashboard query against them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { getDb } from './db.ts';

export const registry = new Registry();
const registers = [registry];
collectDefaultMetrics({ register: registry });

/** Pages and API answers take milliseconds; uploads (decode checks) and slow storage seconds. */
const HTTP_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Waveform + cover extraction: a second or two per track, more for long or remote files. */
const JOB_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const httpDuration = new Histogram({
	name: 'chorus_web_http_request_duration_seconds',
	help: 'Time to the response head, by method, SvelteKit route id and status',
	labelNames: ['method', 'route', 'status'] as const,
	buckets: HTTP_BUCKETS_S,
	registers
});

/** `route` is SvelteKit's route id (`/api/v1/tracks/[id]/stream`): a closed set, never a URL. */
export function observeRequest(
	method: string,
	route: string | null,
	status: number,
	seconds: number
) {
	httpDuration.observe({ method, route: route ?? 'unmatched', status: String(status) }, seconds);
}

const uploads = new Counter({
	name: 'chorus_web_uploads_total',
	help: 'Audio uploads by outcome (ok, or the error code they were refused with)',
	labelNames: ['outcome'] as const,
	registers
});
const uploadBytes = new Counter({
	name: 'chorus_web_upload_bytes_total',
	help: 'Bytes of audio uploads received, by outcome',
	labelNames: ['outcome'] as const,
	registers
});

export function observeUpload(outcome: string, bytes: number) {
	uploads.inc({ outcome });
	uploadBytes.inc({ outcome }, bytes);
}

const streamBytes = new Counter({
	name: 'chorus_web_stream_bytes_total',
	help: 'Bytes of audio sent to players',
	registers
});
export const countStreamed = (bytes: number) => streamBytes.inc(bytes);

new Gauge({
	name: 'chorus_web_processing_queue_depth',
	help: 'Tracks waiting for background processing (waveform, cover), over every web process',
	registers,
	async collect() {
		try {
			const rows = await getDb().$queryRaw<{ n: bigint }[]>`
				SELECT count(*) AS n FROM tracks WHERE processing_status = 'pending'`;
			this.set(Number(rows[0]?.n ?? 0));
		} catch {
			// PostgreSQL is away (readyz says so): the scrape still answers, with the last value.
		}
	}
});
const jobDuration = new Histogram({
	name: 'chorus_web_processing_job_duration_seconds',
	help: 'Background processing jobs run by this process, by outcome (ready, retry, failed)',
	labelNames: ['outcome'] as const,
	buckets: JOB_BUCKETS_S,
	registers
});
export const observeJob = (outcome: 'ready' | 'retry' | 'failed', seconds: number) =>
	jobDuration.observe({ outcome }, seconds);

// Zero series from the start: rate() and the dashboards work before the first event.
streamBytes.inc(0);
uploads.inc({ outcome: 'ok' }, 0);
uploadBytes.inc({ outcome: 'ok' }, 0);
