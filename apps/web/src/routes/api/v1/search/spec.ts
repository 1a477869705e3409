import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';
import { trackPageSchema } from '$lib/server/library/paging';
import { searchQuery } from '$lib/server/library/search';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/search',
	summary:
		'Search visible tracks, tolerant of typos, case and accents (an empty q browses everything; ' +
		'sort defaults to relevance with q and newest without; cursor: nextCursor of the last page)',
	auth: true,
	query: searchQuery.extend({
		// Read by the guest gate only: guests search to add to a room that lets them.
		room: z
			.uuid()
			.optional()
			.describe('Guests: the room they add to (it must let guests add from the library)')
	}),
	responses: {
		200: { description: 'One page', schema: trackPageSchema },
		400: { description: 'Malformed q, genre, sort, cursor or limit' },
		401: { description: 'Not signed in' }
	}
});
