const isUnder = (path: string | null | undefined, prefix: string) =>
	!!path && (path === prefix || path.startsWith(`${prefix}/`));

/**
 * Admin pages and the admin API, by route id and by path: the route id is the decoded, matched
 * route (so `/%61dmin` is caught), the path catches what matches no admin route (the API's
 * catch-all 404).
 */
export function isAdminRequest(routeId: string | null, pathname: string): boolean {
	return [routeId, pathname].some((p) => isUnder(p, '/admin') || isUnder(p, '/api/v1/admin'));
}

/** Whether an admin request is for the JSON API (answered in JSON) rather than a page. */
export function isApiRequest(routeId: string | null, pathname: string): boolean {
	return isUnder(pathname, '/api') || isUnder(routeId, '/api');
}
