// Response headers every answer of the web app carries. The page CSP itself (with its per-request
// script nonce) comes from kit.csp in svelte.config.js; what is only known at run time (ORIGIN,
// PUBLIC_REALTIME_URL, the OAuth providers) is added to it here.

export interface SecurityConfig {
	/** The app's public origin (ORIGIN). */
	appOrigin: string;
	/** PUBLIC_REALTIME_URL, when browsers reach the realtime service on another origin. */
	realtimeUrl?: string | null;
	/** Where forms may lead: linking an account POSTs, then redirects to the provider. */
	formTargets?: string[];
}

/** One year; no includeSubDomains: other hosts under the same domain are not ours to decide. */
export const HSTS = 'max-age=31536000';
/** API answers, streams and images are never documents: nothing in them may run or be framed. */
export const NON_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

const socketOrigin = (u: URL) => `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;

function originOf(value: string | null | undefined): URL | null {
	if (!value) return null;
	try {
		const u = new URL(value);
		return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
	} catch {
		return null;
	}
}

/** The sources to add to the page CSP for this deployment. */
export function runtimeSources(config: SecurityConfig): Record<string, string[]> {
	const app = new URL(config.appOrigin);
	// 'self' covers ws(s) of the same host only in newer browsers (CSP3): name it.
	const connect = [socketOrigin(app)];
	const realtime = originOf(config.realtimeUrl);
	if (realtime) connect.push(realtime.origin, socketOrigin(realtime));
	const forms = (config.formTargets ?? []).flatMap((t) => {
		const u = originOf(t);
		return u ? [u.origin] : [];
	});
	const out: Record<string, string[]> = { 'connect-src': connect, 'form-action': forms };
	if (app.protocol === 'https:') out['upgrade-insecure-requests'] = [];
	return out;
}

/** Adds sources to a CSP header value's directives (appending directives it lacks). */
export function withSources(policy: string, additions: Record<string, string[]>): string {
	const directives = new Map<string, string[]>();
	for (const part of policy.split(';')) {
		const [name, ...values] = part.trim().split(/\s+/);
		if (name) directives.set(name.toLowerCase(), values);
	}
	for (const [name, sources] of Object.entries(additions)) {
		const current = directives.get(name) ?? [];
		directives.set(name, [...new Set([...current, ...sources])]);
	}
	return [...directives].map(([name, values]) => [name, ...values].join(' ')).join('; ');
}

export function applySecurityHeaders(headers: Headers, config: SecurityConfig): void {
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', 'strict-origin-when-cross-origin');
	if (!headers.has('x-frame-options')) headers.set('x-frame-options', 'DENY');
	if (new URL(config.appOrigin).protocol === 'https:') {
		headers.set('strict-transport-security', HSTS);
	}
	const page = headers.get('content-security-policy');
	headers.set(
		'content-security-policy',
		page ? withSources(page, runtimeSources(config)) : NON_DOCUMENT_CSP
	);
}
