/**
 * pino `redact` paths for both services: cookies, authorization headers and tokens never reach
 * a log line, whether logged as a request, its headers, or a bare field.
 */
export const REDACT_PATHS = [
	'req.headers.cookie',
	'req.headers.authorization',
	'headers.cookie',
	'headers.authorization',
	'cookie',
	'authorization',
	'token',
	'*.token',
	'password',
	'*.password'
];

/** Parameter names whose values are credentials (invite tokens, OAuth codes, reset links…). */
const SECRET_NAME = /token|code|state|secret|password|key|signature|sig/i;
const REDACTED = '[Redacted]';

/**
 * A path and query fit for an access log: credential-like query values are replaced, and so
 * are route parameters with such names (`/invite/[token]`), given the route's `params`.
 */
export function redactUrl(url: URL, params: Record<string, string> = {}): string {
	let path = url.pathname;
	for (const [name, value] of Object.entries(params)) {
		if (value && SECRET_NAME.test(name)) {
			path = path.replaceAll(encodeURIComponent(value), REDACTED).replaceAll(value, REDACTED);
		}
	}
	if (!url.search) return path;
	const query = [...new URLSearchParams(url.search)]
		.map(
			([name, value]) =>
				`${encodeURIComponent(name)}=${SECRET_NAME.test(name) ? REDACTED : encodeURIComponent(value)}`
		)
		.join('&');
	return `${path}?${query}`;
}
