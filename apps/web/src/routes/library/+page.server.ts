import { fail } from '@sveltejs/kit';
import { apiGet, apiSend, requireSignIn } from '$lib/library/api.server';
import type { Paged, PlaylistSummary, Track } from '$lib/library/types';
import type { Actions, PageServerLoad } from './$types';

const TABS = ['uploads', 'liked', 'playlists'] as const;
type Tab = (typeof TABS)[number];

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	const requested = event.url.searchParams.get('tab');
	const tab: Tab = TABS.includes(requested as Tab) ? (requested as Tab) : 'uploads';
	const deleted = event.url.searchParams.has('deleted');
	if (tab === 'uploads') {
		const { tracks } = await apiGet<{ tracks: Track[] }>(event, '/api/v1/tracks');
		return { tab, deleted, uploads: tracks, liked: null, playlists: null };
	}
	if (tab === 'liked') {
		const cursor = event.url.searchParams.get('cursor');
		const params = new URLSearchParams({ limit: '50' });
		if (cursor) params.set('cursor', cursor);
		const liked = await apiGet<Paged>(event, `/api/v1/me/likes?${params}`);
		return { tab, deleted, uploads: null, liked: { ...liked, cursor }, playlists: null };
	}
	const { playlists } = await apiGet<{ playlists: PlaylistSummary[] }>(event, '/api/v1/playlists');
	return { tab, deleted, uploads: null, liked: null, playlists };
};

const playlistPath = (id: FormDataEntryValue | null) =>
	`/api/v1/playlists/${encodeURIComponent(String(id ?? ''))}`;

export const actions: Actions = {
	createPlaylist: async (event) => {
		requireSignIn(event);
		const name = String((await event.request.formData()).get('name') ?? '').trim();
		if (!name) return fail(400, { action: 'create', message: 'Give the playlist a name', name });
		const res = await apiSend(event, '/api/v1/playlists', 'POST', { name });
		if (!res.ok) return fail(res.status, { action: 'create', message: res.message, name });
		return { action: 'create', created: name };
	},

	renamePlaylist: async (event) => {
		requireSignIn(event);
		const form = await event.request.formData();
		const id = String(form.get('id') ?? '');
		const name = String(form.get('name') ?? '').trim();
		if (!name) return fail(400, { action: 'rename', id, message: 'The name cannot be empty' });
		const res = await apiSend(event, playlistPath(id), 'PATCH', { name });
		if (!res.ok) return fail(res.status, { action: 'rename', id, message: res.message });
		return { action: 'rename', id, renamed: name };
	},

	deletePlaylist: async (event) => {
		requireSignIn(event);
		const id = String((await event.request.formData()).get('id') ?? '');
		const res = await apiSend(event, playlistPath(id), 'DELETE');
		if (!res.ok) return fail(res.status, { action: 'delete', id, message: res.message });
		return { action: 'delete', id };
	},

	visibility: async (event) => {
		requireSignIn(event);
		const form = await event.request.formData();
		const id = String(form.get('id') ?? '');
		const visibility = String(form.get('visibility') ?? '');
		const res = await apiSend(event, `/api/v1/tracks/${encodeURIComponent(id)}`, 'PATCH', {
			visibility
		});
		if (!res.ok) return fail(res.status, { action: 'visibility', id, message: res.message });
		return { action: 'visibility', id };
	}
};
