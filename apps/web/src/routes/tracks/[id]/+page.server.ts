import type { SessionUser } from '@chorus/auth';
import { fail, redirect } from '@sveltejs/kit';
import { permissionsFor } from '@chorus/protocol';
import { parseInput } from '$lib/server/api/http';
import { getArtist } from '$lib/server/library/browse';
import { MAX_COVER_BYTES, replaceCover } from '$lib/server/library/covers';
import {
	addItem,
	createPlaylist,
	listPlaylists,
	playlistItemInput,
	playlistNameInput
} from '$lib/server/library/playlists';
import { deleteTrack, getTrack, parseTrackPatch, updateTrack } from '$lib/server/library/tracks';
import { orFail, orNull, orPageError, requireSignIn, type PageEvent } from '$lib/server/pages';
import { listMyRooms } from '$lib/server/rooms/rooms';
import type { Actions, PageServerLoad } from './$types';
import { readForm } from '$lib/server/forms';

export const load: PageServerLoad = async (event) => {
	const user = requireSignIn(event);
	const [track, playlists, rooms] = await Promise.all([
		orPageError(event, () => getTrack(event.params.id, user)),
		orNull(event, () => listPlaylists(user)),
		// Rooms are an extra here too: without them only "Add to room queue" is unavailable.
		orNull(event, () => listMyRooms(user))
	]);
	// "More by this artist" is an extra; its failure must not break the track page.
	const artist = await orNull(event, () => getArtist(track.artist, user.id));
	return {
		track,
		moreByArtist: (artist?.tracks ?? []).filter((t) => t.id !== track.id).slice(0, 5),
		playlists,
		// Only rooms where I may add (the server checks again when adding).
		rooms:
			rooms
				?.filter((r) => permissionsFor(r.role, r.room.settings).includes('queue:add'))
				.map((r) => ({ id: r.room.id, name: r.room.name })) ?? null,
		isOwner: track.ownerId === user.id
	};
};

const TEXT_FIELDS = ['title', 'artist', 'album', 'albumArtist', 'genre'] as const;
const NUMBER_FIELDS = ['year', 'trackNo'] as const;

/** Adds this page's track, validated as POST /api/v1/playlists/{id}/items validates it. */
function addToPlaylist(
	event: PageEvent & { params: { id: string } },
	user: SessionUser,
	playlist: { id: string; name: string }
) {
	return orFail(event, { action: 'playlist' }, async () => {
		const { trackId } = parseInput(playlistItemInput, { trackId: event.params.id });
		await addItem(playlist.id, trackId, user);
		return { action: 'playlist', added: playlist.name };
	});
}

export const actions: Actions = {
	update: async (event) => {
		const user = requireSignIn(event);
		const form = await readForm(event.request);
		const values = Object.fromEntries(
			[...form.entries()].filter((e): e is [string, string] => typeof e[1] === 'string')
		);
		const patch: Record<string, unknown> = {};
		for (const k of TEXT_FIELDS) if (k in values) patch[k] = values[k];
		for (const k of NUMBER_FIELDS) {
			if (!(k in values)) continue;
			const raw = values[k]!.trim();
			if (raw === '') patch[k] = null;
			else if (/^\d{1,4}$/.test(raw)) patch[k] = Number(raw);
			else {
				const label = k === 'year' ? 'Year' : 'Track number';
				return fail(422, { action: 'update', message: `${label} must be a whole number`, values });
			}
		}
		if (values.visibility) patch.visibility = values.visibility;
		// The same rules as PATCH /api/v1/tracks/:id (owner only, 422 for bad values).
		return orFail(event, { action: 'update', values }, async () => {
			await updateTrack(event.params.id, user, parseTrackPatch(patch));
			return { action: 'update', saved: true };
		});
	},

	cover: async (event) => {
		const user = requireSignIn(event);
		const file = (await readForm(event.request)).get('cover');
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { action: 'cover', message: 'Choose an image file first' });
		if (file.size > MAX_COVER_BYTES)
			return fail(413, { action: 'cover', message: 'The image is larger than 15 MB' });
		return orFail(event, { action: 'cover' }, async () => {
			await replaceCover(event.params.id, user, async () => Buffer.from(await file.arrayBuffer()));
			return { action: 'cover', saved: true };
		});
	},

	delete: async (event) => {
		const user = requireSignIn(event);
		const result = await orFail(event, { action: 'delete' }, async () => {
			await deleteTrack(event.params.id, user);
			return 'deleted' as const;
		});
		if (result !== 'deleted') return result;
		redirect(303, '/library?tab=uploads&deleted=1');
	},

	addToPlaylist: async (event) => {
		const user = requireSignIn(event);
		const form = await readForm(event.request);
		const id = String(form.get('playlistId') ?? '');
		const name = String(form.get('playlistName') ?? 'the playlist');
		if (!id) return fail(400, { action: 'playlist', message: 'Choose a playlist' });
		return addToPlaylist(event, user, { id, name });
	},

	createPlaylist: async (event) => {
		const user = requireSignIn(event);
		const name = String((await readForm(event.request)).get('name') ?? '').trim();
		if (!name) return fail(400, { action: 'playlist', message: 'Give the playlist a name' });
		const created = await orFail(event, { action: 'playlist' }, () =>
			createPlaylist(user, parseInput(playlistNameInput, { name }).name)
		);
		if (!('id' in created)) return created;
		return addToPlaylist(event, user, created);
	}
};
