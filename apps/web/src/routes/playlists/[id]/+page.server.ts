import { fail, redirect } from '@sveltejs/kit';
import { apiGet, apiSend, requireSignIn } from '$lib/library/api.server';
import type { PlaylistItem, PlaylistSummary } from '$lib/library/types';
import type { Actions, PageServerLoad } from './$types';

type PlaylistData = { playlist: PlaylistSummary; items: PlaylistItem[] };
const path = (id: string) => `/api/v1/playlists/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	return apiGet<PlaylistData>(event, path(event.params.id));
};

export const actions: Actions = {
	rename: async (event) => {
		requireSignIn(event);
		const name = String((await event.request.formData()).get('name') ?? '').trim();
		if (!name) return fail(400, { action: 'rename', message: 'The name cannot be empty' });
		const res = await apiSend(event, path(event.params.id), 'PATCH', { name });
		if (!res.ok) return fail(res.status, { action: 'rename', message: res.message });
		return { action: 'rename', renamed: true };
	},

	delete: async (event) => {
		requireSignIn(event);
		const res = await apiSend(event, path(event.params.id), 'DELETE');
		if (!res.ok) return fail(res.status, { action: 'delete', message: res.message });
		redirect(303, '/library?tab=playlists');
	},

	remove: async (event) => {
		requireSignIn(event);
		const itemId = String((await event.request.formData()).get('itemId') ?? '');
		const res = await apiSend(
			event,
			`${path(event.params.id)}/items/${encodeURIComponent(itemId)}`,
			'DELETE'
		);
		if (!res.ok) return fail(res.status, { action: 'items', message: res.message });
		return { action: 'items' };
	},

	/** Without JS: one step up or down (the browser moves items by drag or by the same buttons). */
	move: async (event) => {
		requireSignIn(event);
		const form = await event.request.formData();
		const itemId = String(form.get('itemId') ?? '');
		const step = form.get('direction') === 'up' ? -1 : 1;
		const { items } = await apiGet<PlaylistData>(event, path(event.params.id));
		const ids = items.map((i) => i.id);
		const from = ids.indexOf(itemId);
		const to = from + step;
		if (from < 0)
			return fail(404, { action: 'items', message: 'That song is not in the playlist' });
		if (to < 0 || to >= ids.length) return { action: 'items' };
		[ids[from], ids[to]] = [ids[to]!, ids[from]!];
		const res = await apiSend(event, `${path(event.params.id)}/order`, 'PUT', { itemIds: ids });
		if (!res.ok) return fail(res.status, { action: 'items', message: res.message });
		return { action: 'items' };
	}
};
