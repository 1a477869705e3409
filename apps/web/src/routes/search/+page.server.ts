import { parseInput } from '$lib/server/api/http';
import { listGenres } from '$lib/server/library/browse';
import {
	effectiveSort,
	SEARCH_SORTS,
	searchQuery,
	searchTracks,
	suggest,
	suggestQuery,
	type SearchSort
} from '$lib/server/library/search';
import { orNull, orPageError, requireSignIn } from '$lib/server/pages';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 30;
const isSort = (s: string | null): s is SearchSort => SEARCH_SORTS.includes(s as SearchSort);

export const load: PageServerLoad = async (event) => {
	const user = requireSignIn(event);
	const sp = event.url.searchParams;
	// Forgiving where the API is strict: a long query is cut short and an unknown sort ignored.
	const q = (sp.get('q') ?? '').trim().slice(0, 200);
	const genre = (sp.get('genre') ?? '').trim();
	const requested = sp.get('sort');
	// Relevance needs words to be relevant to; without them, newest first.
	const sort = effectiveSort(q, isSort(requested) ? requested : undefined);
	const cursor = sp.get('cursor');

	const [results, genres, suggestions] = await Promise.all([
		// Validated as GET /api/v1/search validates it: a malformed cursor or genre is a 400.
		orPageError(event, () =>
			searchTracks(
				user.id,
				parseInput(searchQuery, {
					q,
					sort,
					limit: String(PAGE_SIZE),
					...(genre ? { genre } : {}),
					...(cursor ? { cursor } : {})
				})
			)
		),
		// The filter and the artist/album hints are extras: the results page works without them.
		orNull(event, () => listGenres(user.id)),
		q && !cursor
			? orNull(event, () => suggest(user.id, parseInput(suggestQuery, { q: q.slice(0, 100) }).q))
			: null
	]);

	return {
		q,
		genre,
		sort,
		// Only a sort the visitor chose survives a new query; the default follows the query.
		sortChosen: isSort(requested),
		cursor,
		results,
		genres: genres?.genres ?? [],
		artists: suggestions?.artists ?? [],
		albums: suggestions?.albums ?? []
	};
};
