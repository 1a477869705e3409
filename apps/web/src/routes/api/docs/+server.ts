import { DOCS_CSP, docsPage, htmlHeaders } from '$lib/server/api/docs';

/** The OpenAPI reference (Scalar), public like the document it renders. */
export const GET = () => new Response(docsPage(), { headers: htmlHeaders(DOCS_CSP) });
