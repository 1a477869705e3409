import type { HomeData } from '$lib/library/types';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch }) => {
	if (!locals.user) return { home: null, homeError: null };
	// The landing page must render even when the library is unwell: rows degrade to a notice.
	try {
		const res = await fetch('/api/v1/home', { headers: { accept: 'application/json' } });
		if (res.ok) return { home: (await res.json()) as HomeData, homeError: null };
		const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
		return { home: null, homeError: body?.error?.message ?? `The library answered ${res.status}` };
	} catch {
		return { home: null, homeError: 'The library is not answering right now.' };
	}
};
