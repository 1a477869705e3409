// The demo library: a dozen short tracks with real tags, covers and varied genres, generated
// with ffmpeg from code (no downloads) and uploaded through the public API like any user's
// music, so every part of ingest runs on them. Used by `pnpm dev` and available to e2e tests.
import { openAsBlob } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { io } from 'socket.io-client';
import { runFfmpeg } from '../../apps/web/src/lib/server/media/ffmpeg.ts';
import { makeAudio, type AudioKind } from '../../tests/fixtures/audio.ts';

interface DemoAlbum {
	artist: string;
	album: string;
	genre: string;
	year: number;
	/** Cover colours, as ffmpeg colour names or 0xRRGGBB. */
	colors: [string, string];
	kind: AudioKind;
	titles: string[];
}

// Accents, mixed case and Cyrillic on purpose: search must find "cafe", "nandu", "bjorn",
// "kino" and "елка".
export const DEMO_ALBUMS: DemoAlbum[] = [
	{
		artist: 'Aurora Fields',
		album: 'Northern Lights',
		genre: 'Ambient',
		year: 2021,
		colors: ['0x1b2a6b', '0x4fd1c5'],
		kind: 'flac',
		titles: ['First Light', 'Polar Drift', 'Quiet Aurora']
	},
	{
		artist: 'The Copper Kettles',
		album: 'Steam & Static',
		genre: 'Indie Rock',
		year: 2019,
		colors: ['0x7a2e0e', '0xf6ad55'],
		kind: 'mp3',
		titles: ['Kettle Drum', 'Static Bloom', 'Brass Monkeys']
	},
	{
		artist: 'DJ Ñandú',
		album: 'Café Sessions',
		genre: 'Electronic',
		year: 2023,
		colors: ['0x3c096c', '0xff4fd8'],
		kind: 'ogg-opus',
		titles: ['Café del Mar Mañana', 'Neon Pampas']
	},
	{
		artist: 'Mira Sol',
		album: 'Blue Hour',
		genre: 'Jazz',
		year: 2018,
		colors: ['0x0b3954', '0x7fb3d5'],
		kind: 'm4a',
		titles: ['Blue Hour', 'Late Tram']
	},
	{
		artist: 'Björn Fjord',
		album: 'Tidewater',
		genre: 'Folk',
		year: 2020,
		colors: ['0x2f4f4f', '0xc2b280'],
		kind: 'ogg-vorbis',
		titles: ['Tidewater', 'Saltwind']
	},
	// Cyrillic: search must find «Кино» from "kino", «Ёлка» from "елка".
	{
		artist: 'Кино',
		album: 'Группа крови',
		genre: 'Русский рок',
		year: 1988,
		colors: ['0x8b0000', '0x1a1a1a'],
		kind: 'mp3',
		titles: ['Группа крови', 'Спокойная ночь']
	},
	{
		artist: 'Белые ночи',
		album: 'Тёплый ветер',
		genre: 'Эстрада',
		year: 2022,
		colors: ['0x1e3a5f', '0xf5f5dc'],
		kind: 'ogg-opus',
		titles: ['Ёлка']
	}
];

const SECONDS = 40;

async function makeCover(dir: string, name: string, [from, to]: [string, string]): Promise<string> {
	const out = join(dir, `${name}.jpg`);
	// A diagonal blend of the two colours: distinct per album, recognisable at 96 px.
	await runFfmpeg(
		[
			'-v',
			'error',
			'-y',
			'-f',
			'lavfi',
			'-i',
			`color=c=${from}:s=600x600`,
			'-f',
			'lavfi',
			'-i',
			`color=c=${to}:s=600x600`,
			'-filter_complex',
			"[0][1]blend=all_expr='A*(1-(X+Y)/(W+H))+B*(X+Y)/(W+H)'",
			'-frames:v',
			'1',
			out
		],
		{ timeoutMs: 20_000 }
	);
	return out;
}

export interface Session {
	/** The app's public origin (its ORIGIN): calls go there, and links are built on it. */
	base: string;
	cookie: string;
	/** Extra headers on every call (e.g. X-Forwarded-For behind a proxy). */
	headers?: Record<string, string>;
}

// The web app refuses non-GET requests without a same-origin Origin (CSRF), curl and scripts too.
async function call(s: Session, path: string, init: RequestInit = {}): Promise<Response> {
	return fetch(s.base + path, {
		...init,
		headers: {
			origin: new URL(s.base).origin,
			...s.headers,
			cookie: s.cookie,
			...(init.headers as Record<string, string>)
		}
	});
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export async function signIn(base: string, email: string, password: string): Promise<Session> {
	const res = await fetch(`${base}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: new URL(base).origin },
		body: JSON.stringify({ email, password })
	});
	if (!res.ok) throw new Error(`demo sign-in failed: ${res.status} ${await res.text()}`);
	return { base, cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

/**
 * Uploads the demo library for the signed-in user unless they already have tracks, and makes
 * it public so every account sees it. Returns how many tracks were added.
 */
export async function seedDemoLibrary(s: Session, log = (_msg: string) => {}): Promise<number> {
	const mine = (await (await call(s, '/api/v1/tracks')).json()) as { tracks: unknown[] };
	if (mine.tracks.length > 0) return 0;
	const dir = await mkdtemp(join(tmpdir(), 'chorus-demo-'));
	let added = 0;
	try {
		let frequency = 196;
		for (const a of DEMO_ALBUMS) {
			const cover = await makeCover(dir, a.album.replace(/\W+/g, '-'), a.colors);
			for (const [i, title] of a.titles.entries()) {
				frequency = Math.round(frequency * 1.12);
				const file = await makeAudio(dir, a.kind, {
					seconds: SECONDS,
					title,
					artist: a.artist,
					album: a.album,
					albumArtist: a.artist,
					genre: a.genre,
					year: a.year,
					trackNo: i + 1,
					cover,
					frequencyHz: frequency
				});
				const form = new FormData();
				form.append('file', await openAsBlob(file), `${title}.${file.split('.').pop()}`);
				const res = await call(s, '/api/v1/tracks', { method: 'POST', body: form });
				if (res.status !== 201)
					throw new Error(`demo upload failed: ${res.status} ${await res.text()}`);
				const { id } = (await res.json()) as { id: string };
				await call(s, `/api/v1/tracks/${id}`, {
					method: 'PATCH',
					headers: JSON_HEADERS,
					body: JSON.stringify({ visibility: 'public' })
				});
				added++;
			}
			log(`demo: ${a.artist} — ${a.album}`);
		}
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	return added;
}

export const DEMO_ROOM_NAME = 'Demo listening room';

/**
 * The demo account's room to try and a working invite link to it, on every start. The room
 * ("Demo listening room", a few demo tracks queued through the realtime service like a host
 * would) is created on the first run only. Tokens are stored hashed, so the invite's token is
 * kept in `inviteFile` and reused while that invite is active; otherwise a new one is made. The
 * link is built on `s.base`, the app's public origin, so it follows a switch to LAN mode. Null
 * when the account has rooms but the demo room is gone (someone closed it: it stays closed).
 */
export async function seedDemoRoom(
	s: Session,
	realtimeUrl: string,
	origin: string,
	inviteFile: string
): Promise<string | null> {
	const roomId = await demoRoomId(s, realtimeUrl, origin);
	return roomId ? demoInvite(s, roomId, inviteFile) : null;
}

async function demoRoomId(s: Session, realtimeUrl: string, origin: string): Promise<string | null> {
	const mine = (await (await call(s, '/api/v1/rooms')).json()) as {
		rooms: { room: { id: string; name: string }; role: string }[];
	};
	const demo = mine.rooms.find((r) => r.role === 'host' && r.room.name === DEMO_ROOM_NAME);
	if (demo) return demo.room.id;
	if (mine.rooms.length > 0) return null;
	const created = await call(s, '/api/v1/rooms', {
		method: 'POST',
		headers: JSON_HEADERS,
		body: JSON.stringify({
			name: DEMO_ROOM_NAME,
			description:
				'Welcome! Add songs to the queue, vote for what plays next: everyone here hears the same moment of the same track.'
		})
	});
	if (created.status !== 201)
		throw new Error(`demo room: ${created.status} ${await created.text()}`);
	const { room } = (await created.json()) as { room: { id: string } };
	const { tracks } = (await (await call(s, '/api/v1/tracks')).json()) as {
		tracks: { id: string }[];
	};
	const socket = io(realtimeUrl, {
		extraHeaders: { cookie: s.cookie, origin },
		transports: ['websocket'],
		reconnection: false
	});
	try {
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('connect_error', reject);
		});
		await socket.timeout(5_000).emitWithAck('room:join', { roomId: room.id });
		for (const [i, track] of tracks.slice(0, 4).entries()) {
			await socket
				.timeout(5_000)
				.emitWithAck('queue:add', { roomId: room.id, trackId: track.id, mutationId: `demo-${i}` });
		}
	} finally {
		socket.disconnect();
	}
	return room.id;
}

interface StoredInvite {
	roomId: string;
	inviteId: string;
	token: string;
}

async function demoInvite(s: Session, roomId: string, inviteFile: string): Promise<string | null> {
	const link = (token: string) => new URL(`/invite/${token}`, s.base).href;
	let stored: StoredInvite | null = null;
	try {
		stored = JSON.parse(await readFile(inviteFile, 'utf8')) as StoredInvite;
	} catch {
		// first run, or the file was removed: a new invite below
	}
	if (stored?.roomId === roomId) {
		const res = await call(s, `/api/v1/rooms/${roomId}/invites`);
		const { invites } = (await res.json()) as { invites: { id: string; state: string }[] };
		if (invites.some((i) => i.id === stored.inviteId && i.state === 'active'))
			return link(stored.token);
	}
	const res = await call(s, `/api/v1/rooms/${roomId}/invites`, {
		method: 'POST',
		headers: JSON_HEADERS,
		body: JSON.stringify({ expiresInSec: null })
	});
	if (res.status !== 201) return null;
	const { invite } = (await res.json()) as { invite: { id: string; token: string } };
	await mkdir(dirname(inviteFile), { recursive: true });
	// The token lets anyone join the room as a guest: readable by this user only.
	const next: StoredInvite = { roomId, inviteId: invite.id, token: invite.token };
	await writeFile(inviteFile, JSON.stringify(next), { mode: 0o600 });
	return link(invite.token);
}
