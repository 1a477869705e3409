import { apiGet, requireSignIn } from '$lib/library/api.server';
import type { Genre, Paged, Suggestions } from '$lib/library/types';
import type { PageServerLoad } from './$types';

const SORTS = ['relevance', 'newest', 'most_played', 'most_liked'] as const;
type Sort = (typeof SORTS)[number];
const isSort = (s: string | null): s is Sort => SORTS.includes(s as Sort);

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	const sp = event.url.searchParams;
	const q = (sp.get('q') ?? '').trim().slice(0, 200);
	const genre = (sp.get('genre') ?? '').trim();
	const requested = sp.get('sort');
	// Relevance needs words to be relevant to; without them, newest first.
	const sort: Sort =
		isSort(requested) && (q || requested !== 'relevance') ? requested : q ? 'relevance' : 'newest';
	const cursor = sp.get('cursor');

	const params = new URLSearchParams({ sort, limit: '30' });
	if (q) params.set('q', q);
	if (genre) params.set('genre', genre);
	if (cursor) params.set('cursor', cursor);

	const [results, genres, suggestions] = await Promise.all([
		apiGet<Paged>(event, `/api/v1/search?${params}`),
		// The filter and the artist/album hints are extras: the results page works without them.
		event
			.fetch('/api/v1/genres')
			.then((r) => (r.ok ? (r.json() as Promise<{ genres: Genre[] }>) : { genres: [] }))
			.catch(() => ({ genres: [] as Genre[] })),
		q && !cursor
			? event
					.fetch(`/api/v1/search/suggest?${new URLSearchParams({ q: q.slice(0, 100) })}`)
					.then((r) => (r.ok ? (r.json() as Promise<Suggestions>) : null))
					.catch(() => null)
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
		genres: genres.genres,
		artists: suggestions?.artists ?? [],
		albums: suggestions?.albums ?? []
	};
};
