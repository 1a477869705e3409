import { fail, redirect } from '@sveltejs/kit';
import { apiGet, apiSend, requireSignIn } from '$lib/library/api.server';
import type { PlaylistSummary, Track } from '$lib/library/types';
import { permissionsFor, type RoomInfo, type RoomRole } from '@chorus/protocol';
import type { Actions, PageServerLoad } from './$types';

/** The fields of GET /api/v1/rooms items this page reads. */
interface MyRoom {
	room: RoomInfo;
	role: RoomRole;
}

const trackPath = (id: string) => `/api/v1/tracks/${encodeURIComponent(id)}`;

export const load: PageServerLoad = async (event) => {
	requireSignIn(event);
	const [track, playlists, rooms] = await Promise.all([
		apiGet<Track>(event, trackPath(event.params.id)),
		event
			.fetch('/api/v1/playlists')
			.then((r) => (r.ok ? (r.json() as Promise<{ playlists: PlaylistSummary[] }>) : null))
			.catch(() => null),
		// Rooms are an extra here too: without them only "Add to room queue" is unavailable.
		event
			.fetch('/api/v1/rooms')
			.then((r) => (r.ok ? (r.json() as Promise<{ rooms: MyRoom[] }>) : null))
			.catch(() => null)
	]);
	// "More by this artist" is an extra; its failure must not break the track page.
	const artist = await event
		.fetch(`/api/v1/artists/${encodeURIComponent(track.artist)}`)
		.then((r) => (r.ok ? (r.json() as Promise<{ tracks: Track[] }>) : null))
		.catch(() => null);
	return {
		track,
		moreByArtist: (artist?.tracks ?? []).filter((t) => t.id !== track.id).slice(0, 5),
		playlists: playlists?.playlists ?? null,
		// Only rooms where I may add (the server checks again when adding).
		rooms:
			rooms?.rooms
				.filter((r) => permissionsFor(r.role, r.room.settings).includes('queue:add'))
				.map((r) => ({ id: r.room.id, name: r.room.name })) ?? null,
		isOwner: track.ownerId === event.locals.user!.id
	};
};

const TEXT_FIELDS = ['title', 'artist', 'album', 'albumArtist', 'genre'] as const;
const NUMBER_FIELDS = ['year', 'trackNo'] as const;

async function addToPlaylist(
	event: Parameters<Actions[string]>[0],
	playlist: { id: string; name: string }
) {
	const added = await apiSend(
		event,
		`/api/v1/playlists/${encodeURIComponent(playlist.id)}/items`,
		'POST',
		{ trackId: event.params.id }
	);
	if (!added.ok) return fail(added.status, { action: 'playlist', message: added.message });
	return { action: 'playlist', added: playlist.name };
}

export const actions: Actions = {
	update: async (event) => {
		requireSignIn(event);
		const form = await event.request.formData();
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
				return fail(400, { action: 'update', message: `${label} must be a whole number`, values });
			}
		}
		if (values.visibility) patch.visibility = values.visibility;
		const res = await apiSend(event, trackPath(event.params.id), 'PATCH', patch);
		if (!res.ok) return fail(res.status, { action: 'update', message: res.message, values });
		return { action: 'update', saved: true };
	},

	cover: async (event) => {
		requireSignIn(event);
		const file = (await event.request.formData()).get('cover');
		if (!(file instanceof File) || file.size === 0)
			return fail(400, { action: 'cover', message: 'Choose an image file first' });
		const res = await apiSend(event, `${trackPath(event.params.id)}/cover`, 'PUT', file);
		if (!res.ok) return fail(res.status, { action: 'cover', message: res.message });
		return { action: 'cover', saved: true };
	},

	delete: async (event) => {
		requireSignIn(event);
		const res = await apiSend(event, trackPath(event.params.id), 'DELETE');
		if (!res.ok) return fail(res.status, { action: 'delete', message: res.message });
		redirect(303, '/library?tab=uploads&deleted=1');
	},

	addToPlaylist: async (event) => {
		requireSignIn(event);
		const form = await event.request.formData();
		const id = String(form.get('playlistId') ?? '');
		const name = String(form.get('playlistName') ?? 'the playlist');
		if (!id) return fail(400, { action: 'playlist', message: 'Choose a playlist' });
		return addToPlaylist(event, { id, name });
	},

	createPlaylist: async (event) => {
		requireSignIn(event);
		const name = String((await event.request.formData()).get('name') ?? '').trim();
		if (!name) return fail(400, { action: 'playlist', message: 'Give the playlist a name' });
		const created = await apiSend<{ playlist: PlaylistSummary }>(
			event,
			'/api/v1/playlists',
			'POST',
			{ name }
		);
		if (!created.ok) return fail(created.status, { action: 'playlist', message: created.message });
		return addToPlaylist(event, created.data.playlist);
	}
};
