const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF for every state-changing request (form actions and +server routes, any content type): it
 * must show it comes from this origin, by Origin or Sec-Fetch-Site, and neither may say otherwise.
 * Browsers send both on every POST. A request with neither is refused as well: a session cookie
 * alone must never be enough, and API clients can send `Origin` like any other header.
 */
export function originAllowed(request: Request, appOrigin: string): boolean {
	if (SAFE_METHODS.has(request.method)) return true;
	const origin = request.headers.get('origin');
	const site = request.headers.get('sec-fetch-site');
	if (origin === null && site === null) return false;
	return (origin === null || origin === appOrigin) && (site === null || site === 'same-origin');
}
