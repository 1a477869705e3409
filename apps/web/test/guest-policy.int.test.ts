import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTrack } from '../../../tests/helpers.ts';
import { GUEST_ROUTES, type GuestRule } from '../src/lib/server/auth/guest-policy.ts';
import { api, type ApiResult } from './api-client.ts';
import {
	as,
	createInvite,
	createRoom,
	joinAsGuest,
	person,
	type Person,
	type RoomInfo
} from './rooms-client.ts';
import { testDb } from './tracks-client.ts';

// Guests see their rooms, not the app (issue 18). Treated as a class: every route in src/routes
// is either allowed or refused by guest-policy.ts, and each one is called as a guest here.

const ROUTES_DIR = join(import.meta.dirname, '../src/routes');
/** The files that make a folder a route (layouts and error pages do not). */
const ROUTE_FILE = /^\+(page(\.server)?\.(ts|svelte)|server\.ts)$/;

/** Route ids as SvelteKit names them: every folder holding a page or an endpoint. */
async function routeIds(): Promise<string[]> {
	const ids = new Set<string>();
	for (const entry of await readdir(ROUTES_DIR, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile() || !ROUTE_FILE.test(entry.name)) continue;
		const dir = relative(ROUTES_DIR, entry.parentPath).split(sep).filter(Boolean);
		ids.add(`/${dir.join('/')}`);
	}
	return [...ids].sort();
}

interface World {
	host: Person;
	guest: { cookie: string; user: { id: string } };
	/** The room with a queued track; the guest joined it first. */
	room: RoomInfo;
	/** Joined last: where refused pages send the guest. */
	landing: RoomInfo;
	token: string;
	roomTrackId: string;
	libraryTrackId: string;
}

let w: World;

beforeAll(async () => {
	const host = await person('Host');
	const room = await createRoom(host, { name: 'Guest policy room' });
	const landing = await createRoom(host, { name: 'Landing room' });
	const invite = await createInvite(host, room.id);
	const joined = await joinAsGuest(invite.token, 'Gail');
	expect(joined.status).toBe(200);
	const guest = { cookie: joined.cookie!, user: joined.body.user };
	const second = await createInvite(host, landing.id);
	expect(
		(await api(`/api/v1/invites/${second.token}/accept`, as(guest, { method: 'POST' }))).status
	).toBe(200);
	const db = testDb();
	const inRoom = await createTrack(db, host.user.id, { visibility: 'public' });
	const library = await createTrack(db, host.user.id, { visibility: 'public' });
	await db.queueItem.create({
		data: { roomId: room.id, trackId: inRoom.id, addedBy: host.user.id }
	});
	w = {
		host,
		guest,
		room,
		landing,
		token: invite.token,
		roomTrackId: inRoom.id,
		libraryTrackId: library.id
	};
});

/** A concrete path for a route id: params filled with the guest's own things where they matter. */
function pathFor(routeId: string): string {
	const path = routeId
		.replace('/rooms/[id]', `/rooms/${w.room.id}`)
		.replace('/tracks/[id]', `/tracks/${w.roomTrackId}`)
		.replace('/users/[id]', `/users/${w.guest.user.id}`)
		.replace('[token]', w.token)
		.replace('[provider]', 'github')
		.replace('[name]', 'Someone')
		.replace('[...rest]', 'v1/no-such-thing')
		.replace(/\[[a-zA-Z]+\]/g, () => randomUUID());
	if (routeId === '/api/v1/search') return `${path}?q=a&room=${w.room.id}`;
	return path;
}

const guestGet = (path: string) => api(path, as(w.guest));

/** A form post as a browser without JavaScript makes it (so actions answer with redirects). */
const formPost = (path: string, who: { cookie: string }, body: BodyInit = new URLSearchParams()) =>
	api(path, as(who, { method: 'POST', body, headers: { accept: 'text/html' } }));

function refusedByGate(res: ApiResult, api: boolean): boolean {
	if (api) return res.status === 403 && res.body?.error?.code === 'GUEST_FORBIDDEN';
	return res.status === 303 && res.headers.get('location') === `/rooms/${w.landing.id}`;
}

const isApi = (routeId: string) => routeId.startsWith('/api');

describe('the guest policy', () => {
	it('names every route in src/routes, and only those', async () => {
		expect(Object.keys(GUEST_ROUTES).sort()).toEqual(await routeIds());
	});

	it('answers every route as listed when a guest reads it', async () => {
		// Search for adding needs the room to allow it; everything else is read as it is.
		await testDb().room.update({ where: { id: w.room.id }, data: { guestsAddFromLibrary: true } });
		const wrong: string[] = [];
		try {
			for (const [routeId, rule] of Object.entries(GUEST_ROUTES) as [string, GuestRule][]) {
				const res = await guestGet(pathFor(routeId));
				const refused = refusedByGate(res, isApi(routeId));
				if (refused !== (rule === 'refuse')) {
					wrong.push(`${routeId} (${rule}): ${res.status} ${res.headers.get('location') ?? ''}`);
				}
			}
		} finally {
			await testDb().room.update({
				where: { id: w.room.id },
				data: { guestsAddFromLibrary: false }
			});
		}
		expect(wrong).toEqual([]);
	});

	it('sends a guest from refused pages to their room, and answers the API with 403', async () => {
		for (const page of ['/', '/library', '/upload', '/search?q=a', '/account/sessions', '/admin']) {
			const res = await guestGet(page);
			expect(res.status, page).toBe(303);
			expect(res.headers.get('location'), page).toBe(`/rooms/${w.landing.id}`);
		}
		const upload = await api('/api/v1/tracks', as(w.guest, { method: 'POST', body: 'x' }));
		expect(upload.status).toBe(403);
		expect(upload.body).toEqual({
			error: { code: 'GUEST_FORBIDDEN', message: expect.stringMatching(/guests/i) }
		});
		expect((await guestGet('/api/v1/tracks')).body.error.code).toBe('GUEST_FORBIDDEN');
		expect((await guestGet('/api/v1/search/suggest?q=a')).status).toBe(403);
	});

	it('lets accounts use the same routes as before', async () => {
		expect((await api('/library', as(w.host))).status).toBe(200);
		expect((await api('/api/v1/tracks', as(w.host))).status).toBe(200);
	});
});

describe('what a guest may do, rule by rule', () => {
	it('reads their rooms but creates none', async () => {
		const list = await guestGet('/api/v1/rooms');
		expect(list.status).toBe(200);
		expect(list.body.rooms).toHaveLength(2);
		const create = await api('/api/v1/rooms', as(w.guest, { json: { name: 'Mine' } }));
		expect(create.body.error.code).toBe('GUEST_FORBIDDEN');
		const form = await formPost('/rooms?/create', w.guest, new URLSearchParams({ name: 'Mine' }));
		expect(form.status).toBe(403);
	});

	it('streams and sees covers of the room’s tracks, not of other library tracks', async () => {
		for (const part of ['stream', 'waveform', 'cover']) {
			const mine = await guestGet(`/api/v1/tracks/${w.roomTrackId}/${part}`);
			expect(mine.body?.error?.code, part).not.toBe('GUEST_FORBIDDEN');
			const other = await guestGet(`/api/v1/tracks/${w.libraryTrackId}/${part}`);
			expect(other.body.error.code, part).toBe('GUEST_FORBIDDEN');
		}
	});

	it('searches the library for adding only from a room that allows it', async () => {
		const search = (room?: string) =>
			guestGet(`/api/v1/search?q=Track${room ? `&room=${room}` : ''}`);
		expect((await search()).body.error.code).toBe('GUEST_FORBIDDEN');
		expect((await search(w.room.id)).body.error.code).toBe('GUEST_FORBIDDEN');
		// The room's own tracks are always there to add from.
		const own = await guestGet(`/api/v1/rooms/${w.room.id}/tracks?q=track`);
		expect(own.status).toBe(200);
		expect(own.body.tracks.map((t: { id: string }) => t.id)).toEqual([w.roomTrackId]);

		await testDb().room.update({ where: { id: w.room.id }, data: { guestsAddFromLibrary: true } });
		try {
			expect((await search(w.room.id)).status).toBe(200);
			// Another room's permission is not this one's.
			expect((await search(w.landing.id)).status).toBe(403);
			expect(
				(await guestGet(`/api/v1/tracks/${w.libraryTrackId}/cover`)).body?.error?.code
			).not.toBe('GUEST_FORBIDDEN');
		} finally {
			await testDb().room.update({
				where: { id: w.room.id },
				data: { guestsAddFromLibrary: false }
			});
		}
	});

	it('changes their name and may claim the account, but has no other settings', async () => {
		const renamed = await api(
			'/api/v1/me',
			as(w.guest, { method: 'PATCH', json: { displayName: 'Gail B' } })
		);
		expect(renamed.status).toBe(200);
		const gone = await api('/api/v1/me', as(w.guest, { method: 'DELETE', json: {} }));
		expect(gone.body.error.code).toBe('GUEST_FORBIDDEN');
		const avatar = await formPost('/account?/avatar', w.guest, new FormData());
		expect(avatar.status).toBe(403);
		const name = await formPost(
			'/account?/displayName',
			w.guest,
			new URLSearchParams({ displayName: 'Gail' })
		);
		expect(name.status).not.toBe(403);
		for (const path of ['/api/v1/me/sessions', '/api/v1/me/likes', '/api/v1/playlists']) {
			expect((await guestGet(path)).body.error.code, path).toBe('GUEST_FORBIDDEN');
		}
	});
});

describe('signing out as a guest', () => {
	it('warns first, and signs out only when confirmed', async () => {
		const host = await person('Host');
		const room = await createRoom(host);
		const invite = await createInvite(host, room.id);
		const guest = { cookie: (await joinAsGuest(invite.token, 'Leaving')).cookie! };
		const page = await api('/logout', as(guest));
		expect(page.status).toBe(200);
		expect(page.body).toMatch(/lose this guest identity/);
		expect(page.body).toMatch(/href="[./]*account#claim">Claim an account</);

		const unconfirmed = await formPost('/logout', guest, new URLSearchParams());
		expect(unconfirmed.status).toBe(303);
		expect(unconfirmed.headers.get('location')).toBe('/logout');
		expect((await api('/api/v1/me', as(guest))).status).toBe(200);
		// A body that is no form at all confirms nothing either, and is no server error.
		const garbled = await api(
			'/logout',
			as(guest, {
				method: 'POST',
				body: 'confirm=lose-guest',
				headers: { accept: 'text/html', 'content-type': 'multipart/form-data; boundary=x' }
			})
		);
		expect(garbled.status).toBeLessThan(500);
		expect((await api('/api/v1/me', as(guest))).status).toBe(200);

		const confirmed = await formPost(
			'/logout',
			guest,
			new URLSearchParams({ confirm: 'lose-guest' })
		);
		expect(confirmed.status).toBe(303);
		expect(confirmed.headers.get('location')).toBe('/login');
		expect((await api('/api/v1/me', as(guest))).status).toBe(401);
	});

	it('signs accounts out at once, as before', async () => {
		const ann = await person('Ann');
		expect((await api('/logout', as(ann))).status).toBe(303);
		const out = await formPost('/logout', ann, new URLSearchParams());
		expect(out.headers.get('location')).toBe('/login');
		expect((await api('/api/v1/me', as(ann))).status).toBe(401);
	});
});
