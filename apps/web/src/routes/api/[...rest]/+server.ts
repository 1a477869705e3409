import { ApiError } from '$lib/server/api/errors';
import { errorResponse } from '$lib/server/api/http';

// Unknown API paths answer in the API's error format, not with an HTML page.
export const fallback = ({ url }: { url: URL }) =>
	errorResponse(new ApiError(404, 'NOT_FOUND', `No API route at ${url.pathname}`));
