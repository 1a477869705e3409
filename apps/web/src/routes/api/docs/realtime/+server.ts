import { htmlHeaders } from '$lib/server/api/docs';
import { REALTIME_DOCS_CSP, realtimeDocsPage } from '$lib/server/api/realtime-docs';

/** The realtime protocol's reference, rendered from its AsyncAPI document. */
export const GET = () =>
	new Response(realtimeDocsPage(), { headers: htmlHeaders(REALTIME_DOCS_CSP) });
