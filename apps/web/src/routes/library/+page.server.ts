import { fail } from '@sveltejs/kit';
import { parseInput } from '$lib/server/api/http';
import { listLikes, pageQuery } from '$lib/server/library/likes';
import {
	createPlaylist,
	deletePlaylist,
	listPlaylists,
	playlistNameInput,
	renamePlaylist
} from '$lib/server/library/playlists';
import { listMyTracks, trackPatchInput, updateTrack } from '$lib/server/library/tracks';
import { orFail, orPageError, requireSignIn } from '$lib/server/pages';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms';

const TABS = ['uploads', 'liked', 'playlists'] as const;
type Tab = (typeof TABS)[number];
const LIKED_PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
	const user = requireSignIn(event);
	const requested = event.url.searchParams.get('tab');
	const tab: Tab = TABS.includes(requested as Tab) ? (requested as Tab) : 'uploads';
	const deleted = event.url.searchParams.has('deleted');
	if (tab === 'uploads') {
		const uploads = await orPageError(event, () => listMyTracks(user));
		return { tab, deleted, uploads, liked: null, playlists: null };
	}
	if (tab === 'liked') {
		const cursor = event.url.searchParams.get('cursor');
		// The same paging rules as GET /api/v1/me/likes (a malformed cursor is a 400).
		const liked = await orPageError(event, () =>
			listLikes(
				user,
				parseInput(pageQuery, { limit: String(LIKED_PAGE_SIZE), ...(cursor ? { cursor } : {}) })
			)
		);
		return { tab, deleted, uploads: null, liked: { ...liked, cursor }, playlists: null };
	}
	const playlists = await orPageError(event, () => listPlaylists(user));
	return { tab, deleted, uploads: null, liked: null, playlists };
};

const field = (form: FormData, name: string) => String(form.get(name) ?? '');

export const actions: Actions = {
	createPlaylist: async (event) => {
		const user = requireSignIn(event);
		const name = field(await readForm(event.request), 'name').trim();
		if (!name) return fail(400, { action: 'create', message: 'Give the playlist a name', name });
		return orFail(event, { action: 'create', name }, async () => {
			await createPlaylist(user, parseInput(playlistNameInput, { name }).name);
			return { action: 'create', created: name };
		});
	},

	renamePlaylist: async (event) => {
		const user = requireSignIn(event);
		const form = await readForm(event.request);
		const id = field(form, 'id');
		const name = field(form, 'name').trim();
		if (!name) return fail(400, { action: 'rename', id, message: 'The name cannot be empty' });
		return orFail(event, { action: 'rename', id }, async () => {
			await renamePlaylist(id, user, parseInput(playlistNameInput, { name }).name);
			return { action: 'rename', id, renamed: name };
		});
	},

	deletePlaylist: async (event) => {
		const user = requireSignIn(event);
		const id = field(await readForm(event.request), 'id');
		return orFail(event, { action: 'delete', id }, async () => {
			await deletePlaylist(id, user);
			return { action: 'delete', id };
		});
	},

	visibility: async (event) => {
		const user = requireSignIn(event);
		const form = await readForm(event.request);
		const id = field(form, 'id');
		const visibility = field(form, 'visibility');
		return orFail(event, { action: 'visibility', id }, async () => {
			await updateTrack(id, user, parseInput(trackPatchInput, { visibility }));
			return { action: 'visibility', id };
		});
	}
};
