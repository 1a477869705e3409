import { fail, redirect } from '@sveltejs/kit';
import { parseInput } from '$lib/server/api/http';
import {
	deletePlaylist,
	getPlaylist,
	playlistNameInput,
	playlistOrderInput,
	removeItem,
	renamePlaylist,
	reorderItems
} from '$lib/server/library/playlists';
import { orFail, orPageError, requireSignIn } from '$lib/server/pages';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
	const user = requireSignIn(event);
	return orPageError(event, () => getPlaylist(event.params.id, user));
};

export const actions: Actions = {
	rename: async (event) => {
		const user = requireSignIn(event);
		const name = String((await readForm(event.request)).get('name') ?? '').trim();
		if (!name) return fail(400, { action: 'rename', message: 'The name cannot be empty' });
		return orFail(event, { action: 'rename' }, async () => {
			await renamePlaylist(event.params.id, user, parseInput(playlistNameInput, { name }).name);
			return { action: 'rename', renamed: true };
		});
	},

	delete: async (event) => {
		const user = requireSignIn(event);
		const result = await orFail(event, { action: 'delete' }, async () => {
			await deletePlaylist(event.params.id, user);
			return 'deleted' as const;
		});
		if (result !== 'deleted') return result;
		redirect(303, '/library?tab=playlists');
	},

	remove: async (event) => {
		const user = requireSignIn(event);
		const itemId = String((await readForm(event.request)).get('itemId') ?? '');
		return orFail(event, { action: 'items' }, async () => {
			await removeItem(event.params.id, itemId, user);
			return { action: 'items' };
		});
	},

	/** Without JS: one step up or down (the browser moves items by drag or by the same buttons). */
	move: async (event) => {
		const user = requireSignIn(event);
		const form = await readForm(event.request);
		const itemId = String(form.get('itemId') ?? '');
		const step = form.get('direction') === 'up' ? -1 : 1;
		const { items } = await orPageError(event, () => getPlaylist(event.params.id, user));
		const ids = items.map((i) => i.id);
		const from = ids.indexOf(itemId);
		const to = from + step;
		if (from < 0)
			return fail(404, { action: 'items', message: 'That song is not in the playlist' });
		if (to < 0 || to >= ids.length) return { action: 'items' };
		[ids[from], ids[to]] = [ids[to]!, ids[from]!];
		return orFail(event, { action: 'items' }, async () => {
			await reorderItems(
				event.params.id,
				parseInput(playlistOrderInput, { itemIds: ids }).itemIds,
				user
			);
			return { action: 'items' };
		});
	}
};
