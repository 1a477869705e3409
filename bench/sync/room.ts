// The app side of bench/sync: servers, the host, a room with real tracks, guest listeners.
// Everything goes through the public API and the realtime protocol, as a real host would.
import type {
	Ack,
	ClientToServerEvents,
	PlaybackAck,
	PlaybackState,
	PlaybackStateEvent,
	ServerToClientEvents
} from '@chorus/protocol';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { dbmate } from '../../scripts/lib/migrate.ts';
import { freePort, testDatabase } from '../../scripts/lib/postgres.ts';
import { startRealtime, startWeb, type StartedProcess } from '../../tests/servers.ts';
import { tempDir, type BenchApp } from '../lib/app.ts';
import type { Cleanup } from '../lib/harness.ts';
import type { TruthState } from './analyse.ts';

export interface SyncServers {
	/** What the browsers open: http://localhost:<port> (the session cookie is Secure-capable there). */
	webOrigin: string;
	/** The same server for Node's own requests (no name resolution). */
	webUrl: string;
	realtime: StartedProcess;
	web: StartedProcess;
	dataDir: string;
	databaseUrl: string;
}

export const wallNow = () => performance.timeOrigin + performance.now();

function sessionCookie(res: Response, what: string): string {
	const session = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.find((c) => c.startsWith('chorus_session='));
	if (!session) throw new Error(`${what}: no chorus_session cookie`);
	return session;
}

export async function startServers(cleanup: Cleanup): Promise<SyncServers> {
	const db = await testDatabase('bench_sync');
	cleanup.add('drop database', () => db.stop());
	await dbmate(db.url, ['up'], true);
	const dataDir = await tempDir(cleanup, 'sync-data');
	const redis: Record<string, string> = process.env.REDIS_URL
		? { REDIS_URL: process.env.REDIS_URL }
		: {};
	const namespace = `bench-sync-${randomBytes(6).toString('hex')}`;
	const webPort = await freePort();
	const webOrigin = `http://localhost:${webPort}`;
	const realtime = await startRealtime({
		HOST: '127.0.0.1',
		DATABASE_URL: db.url,
		REALTIME_ALLOWED_ORIGINS: webOrigin,
		RATE_LIMIT_NAMESPACE: namespace,
		...redis
	});
	cleanup.add('stop realtime', () => realtime.stop());
	const web = await startWeb(
		{
			DATABASE_URL: db.url,
			DATA_DIR: dataDir,
			ORIGIN: webOrigin,
			PUBLIC_REALTIME_URL: `http://localhost:${realtime.port}`,
			RATE_LIMIT_NAMESPACE: namespace,
			// Every guest comes from 127.0.0.1.
			RATE_LIMIT_INVITE_PER_IP: '10000',
			RATE_LIMIT_REGISTER_PER_IP: '10000',
			...redis
		},
		{ port: webPort, host: 'localhost' }
	);
	cleanup.add('stop web server', () => web.stop());
	return {
		webOrigin,
		webUrl: `http://127.0.0.1:${webPort}`,
		realtime,
		web,
		dataDir,
		databaseUrl: db.url
	};
}

async function api<T>(
	servers: SyncServers,
	cookie: string | null,
	method: string,
	path: string,
	body?: unknown
): Promise<{ json: T; res: Response }> {
	const res = await fetch(`${servers.webUrl}${path}`, {
		method,
		headers: {
			...(cookie ? { cookie } : {}),
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
	return { json: JSON.parse(text) as T, res };
}

/** A registered host, as a BenchApp so bench/lib's upload helpers work with it. */
export async function registerHost(servers: SyncServers): Promise<BenchApp> {
	const { res } = await api(servers, null, 'POST', '/api/v1/auth/register', {
		email: `host-${randomBytes(6).toString('hex')}@bench.chorus`,
		password: `bench-${randomBytes(12).toString('hex')}`,
		displayName: 'Bench host'
	});
	if (!servers.web.child.pid) throw new Error('web server has no pid');
	return {
		url: servers.webUrl,
		cookie: sessionCookie(res, 'register'),
		dataDir: servers.dataDir,
		databaseUrl: servers.databaseUrl,
		web: servers.web,
		pid: servers.web.child.pid
	};
}

export interface Listener {
	name: string;
	/** The guest's session token (the value of chorus_session). */
	token: string;
}

/** A room owned by the host, and `n` guests who joined it through an invite link. */
export async function createRoom(
	servers: SyncServers,
	host: BenchApp,
	name: string,
	n: number
): Promise<{ roomId: string; listeners: Listener[] }> {
	const { json: created } = await api<{ room: { id: string } }>(
		servers,
		host.cookie,
		'POST',
		'/api/v1/rooms',
		{ name }
	);
	const roomId = created.room.id;
	const { json: inv } = await api<{ invite: { token: string } }>(
		servers,
		host.cookie,
		'POST',
		`/api/v1/rooms/${roomId}/invites`,
		{}
	);
	const listeners: Listener[] = [];
	for (let i = 0; i < n; i++) {
		const listenerName = `Listener ${i + 1}`;
		const { res } = await api(
			servers,
			null,
			'POST',
			`/api/v1/invites/${encodeURIComponent(inv.invite.token)}/accept`,
			{ displayName: listenerName }
		);
		const cookie = sessionCookie(res, `accept invite as ${listenerName}`);
		listeners.push({ name: listenerName, token: cookie.slice('chorus_session='.length) });
	}
	return { roomId, listeners };
}

type HostSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The host's remote control: a socket.io client with the host's cookie, in the room. It also
 * records every timeline the server broadcasts: that is the ground truth the listeners are
 * measured against.
 */
export class HostControl {
	readonly truth: TruthState[] = [];
	#socket: HostSocket;
	#seq = 0;

	private constructor(
		socket: HostSocket,
		readonly roomId: string
	) {
		this.#socket = socket;
		socket.on('playback:state', (e: PlaybackStateEvent) => {
			if (e.roomId === roomId) this.#record(e.playback, e.version);
		});
	}

	static async connect(servers: SyncServers, host: BenchApp, roomId: string) {
		const socket: HostSocket = io(servers.realtime.url, {
			extraHeaders: { cookie: host.cookie, origin: servers.webOrigin },
			transports: ['websocket'],
			reconnection: false,
			forceNew: true
		});
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', (err) => reject(err));
		});
		const control = new HostControl(socket, roomId);
		const res = await socket.timeout(10_000).emitWithAck('room:join', { roomId });
		if (!res.ok) throw new Error(`room:join: ${res.error.code} ${res.error.message}`);
		control.#record(res.data.playback, res.data.version);
		return control;
	}

	#record(p: PlaybackState, version: number) {
		if (this.truth.some((s) => s.version === version)) return;
		this.truth.push({
			version,
			anchorMs: p.anchorMs,
			positionMs: p.positionMs,
			paused: p.paused,
			itemId: p.itemId,
			durationMs: p.track?.durationMs ?? 0
		});
		this.truth.sort((a, b) => a.version - b.version);
	}

	async #command<T>(send: (mutationId: string) => Promise<Ack<T>>, what: string): Promise<T> {
		const res = await send(`bench-${++this.#seq}-${randomBytes(4).toString('hex')}`);
		if (!res.ok) throw new Error(`${what}: ${res.error.code} ${res.error.message}`);
		return res.data;
	}

	async queue(trackId: string): Promise<void> {
		await this.#command(
			(mutationId) =>
				this.#socket
					.timeout(10_000)
					.emitWithAck('queue:add', { roomId: this.roomId, mutationId, trackId }),
			'queue:add'
		);
	}

	/** Sends a playback command; resolves the state it scheduled (anchorMs = when it acts). */
	/** The latest timeline seen: playback commands are based on it. */
	get #seen(): number {
		return this.truth.at(-1)?.version ?? 0;
	}

	async playback(
		command: 'playback:play' | 'playback:pause' | 'playback:skip'
	): Promise<PlaybackState> {
		const basedOnVersion = this.#seen;
		const { playback, version } = await this.#command<PlaybackAck>(
			(mutationId) =>
				this.#socket
					.timeout(10_000)
					.emitWithAck(command, { roomId: this.roomId, mutationId, basedOnVersion }),
			command
		);
		this.#record(playback, version);
		return playback;
	}

	async seek(positionMs: number): Promise<PlaybackState> {
		const basedOnVersion = this.#seen;
		const { playback, version } = await this.#command<PlaybackAck>(
			(mutationId) =>
				this.#socket.timeout(10_000).emitWithAck('playback:seek', {
					roomId: this.roomId,
					mutationId,
					basedOnVersion,
					positionMs
				}),
			'playback:seek'
		);
		this.#record(playback, version);
		return playback;
	}

	close(): void {
		this.#socket.close();
	}
}
