// What both services share to be operated: who may scrape /metrics, readiness checks, and the
// log fields that must never be written out, request ids.
export {
	metricsAccess,
	metricsRefusal,
	isLoopback,
	METRICS_TOKEN_MIN_LENGTH,
	type MetricsVerdict
} from './metrics-access.ts';
export { checkReadiness, redisCheck, type Readiness, type ReadinessCheck } from './readiness.ts';
export { REDACT_PATHS, redactUrl } from './redact.ts';
export { requestIdFrom } from './request-id.ts';
