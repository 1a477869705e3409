// The API reference pages at /api/docs. Scalar's standalone bundle is emitted by Vite as one of our
// own hashed assets (nothing from a CDN); the page is plain HTML, not a SvelteKit page.
// @scalar/api-reference does not export its browser bundle, so it is imported by file path.
import scalarBundle from '../../../../node_modules/@scalar/api-reference/dist/browser/standalone.js?url';

/**
 * Only for the docs page (other documents keep kit.csp): scripts from this origin only, no inline
 * script; Scalar writes <style> elements and style attributes, and draws icons as data: images.
 * hooks.server.ts adds the run-time sources (ws of ORIGIN...) as for every page.
 */
export const DOCS_CSP = [
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data: blob:",
	"font-src 'self' data:",
	"connect-src 'self'",
	"worker-src 'self' blob:",
	"object-src 'none'",
	"base-uri 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'"
].join('; ');

const escapeHtml = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

/** Scalar reads its configuration from this element (a JSON script is data, never run). */
const scalarConfig = {
	url: '/api/v1/openapi.json',
	// No fonts from Scalar's CDN, no telemetry: the page talks to this instance only.
	withDefaultFonts: false,
	telemetry: false,
	hideClientButton: true,
	showOperationId: true,
	mcp: { disabled: true }
};

export function docsPage(): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chorus API reference</title>
</head>
<body>
<noscript>The reference needs JavaScript. The document itself: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. The realtime protocol: <a href="/api/docs/realtime">/api/docs/realtime</a>.</noscript>
<script id="api-reference" type="application/json" data-url="/api/v1/openapi.json" data-configuration="${escapeHtml(JSON.stringify(scalarConfig))}"></script>
<script src="${escapeHtml(scalarBundle)}"></script>
</body>
</html>
`;
}

export const htmlHeaders = (csp: string) => ({
	'content-type': 'text/html; charset=utf-8',
	'content-security-policy': csp,
	'cache-control': 'no-cache'
});

export { escapeHtml };
