// The demo library: a dozen short tracks with real tags, covers and varied genres, generated
// with ffmpeg from code (no downloads) and uploaded through the public API like any user's
// music, so every part of ingest runs on them. Used by `pnpm dev` and available to e2e tests.
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// Accents and mixed case on purpose: search must find "cafe", "nandu" and "bjorn".
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
	base: string;
	cookie: string;
	/** Extra headers on every call (e.g. X-Forwarded-For behind a proxy). */
	headers?: Record<string, string>;
}

async function call(s: Session, path: string, init: RequestInit = {}): Promise<Response> {
	return fetch(s.base + path, {
		...init,
		headers: { ...s.headers, cookie: s.cookie, ...(init.headers as Record<string, string>) }
	});
}

export async function signIn(base: string, email: string, password: string): Promise<Session> {
	const res = await fetch(`${base}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
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
					headers: { 'content-type': 'application/json' },
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

/**
 * Gives the demo account a room to try (first run only): "Demo listening room" with a few demo
 * tracks queued through the realtime service, like a host would. Returns its invite link.
 */
export async function seedDemoRoom(
	s: Session,
	realtimeUrl: string,
	origin: string
): Promise<string | null> {
	const mine = (await (await call(s, '/api/v1/rooms')).json()) as { rooms: unknown[] };
	if (mine.rooms.length > 0) return null;
	const json = { 'content-type': 'application/json' };
	const created = await call(s, '/api/v1/rooms', {
		method: 'POST',
		headers: json,
		body: JSON.stringify({
			name: 'Demo listening room',
			description: 'Open the invite link in another browser to join as a guest.'
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
	const invite = await call(s, `/api/v1/rooms/${room.id}/invites`, {
		method: 'POST',
		headers: json,
		body: JSON.stringify({ expiresInSec: null })
	});
	if (invite.status !== 201) return null;
	return ((await invite.json()) as { invite: { url: string } }).invite.url;
}
