// The admin tests run their own web server on their own database: the registration mode is
// instance-wide, and the first account registered becomes admin, so they cannot share the suite's.
import { createDb, type Db } from '@chorus/db';
import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { dbmate } from '../../../scripts/lib/migrate.ts';
import { testDatabase, type Database } from '../../../scripts/lib/postgres.ts';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { startWeb, type StartedProcess } from '../../../tests/servers.ts';
import { callWeb, type ApiOptions, type ApiResult } from './api-client.ts';

export const PASSWORD = 'quartz-heron-lantern-4';

export type Result<T = any> = ApiResult<T>;

export type CallOptions = ApiOptions;

export interface Instance {
	url: string;
	dbUrl: string;
	dataDir: string;
	db: Db;
	web: StartedProcess;
	call<T = any>(path: string, opts?: CallOptions): Promise<Result<T>>;
	/** Starts another web process on the same database and data (with extra env). */
	startAnother(env: Record<string, string>): Promise<StartedProcess>;
	stop(): Promise<void>;
}

export const ADMIN_EMAIL = 'boss@admin.test';

export async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
	const database: Database = await testDatabase('admin');
	const dataDir = await mkdtemp(join(tmpdir(), 'chorus-admin-'));
	await dbmate(database.url, ['up'], true);
	const baseEnv = {
		DATABASE_URL: database.url,
		...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
		RATE_LIMIT_NAMESPACE: `test-admin-${randomBytes(6).toString('hex')}`,
		RATE_LIMIT_REGISTER_PER_IP: '1000',
		RATE_LIMIT_LOGIN_PER_IP: '1000',
		RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
		RATE_LIMIT_INVITE_PER_IP: '1000',
		DATA_DIR: dataDir,
		UPLOAD_MAX_BYTES: String(6 * 1024 * 1024),
		ADMIN_EMAILS: ADMIN_EMAIL,
		MEDIA_WORKER: 'false',
		GUEST_CLEANUP_INTERVAL_MINUTES: '0',
		...env
	};
	const web = await startWeb(baseEnv);
	const db = createDb(database.url, { poolSize: 2 });
	const others: StartedProcess[] = [];
	// ORIGIN is the server's own URL (startWeb), so mutations carry that as their Origin.
	const call = (path: string, opts: CallOptions = {}) => callWeb(web.url, web.url, path, opts);
	return {
		url: web.url,
		dbUrl: database.url,
		dataDir,
		db,
		web,
		call,
		async startAnother(extra) {
			const p = await startWeb({ ...baseEnv, ...extra });
			others.push(p);
			return p;
		},
		async stop() {
			await Promise.all([web.stop(), ...others.map((o) => o.stop())]);
			await db.$disconnect();
			await database.stop();
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}

export interface Person {
	id: string;
	email: string;
	displayName: string;
	cookie: string;
	call<T = any>(path: string, opts?: CallOptions): Promise<Result<T>>;
}

export function as(i: Instance, cookie: string, who: Omit<Person, 'call' | 'cookie'>): Person {
	return { ...who, cookie, call: (path, opts = {}) => i.call(path, { cookie, ...opts }) };
}

export async function register(i: Instance, displayName: string, email = uniqueEmail('adm')) {
	const res = await i.call('/api/v1/auth/register', {
		json: { email, password: PASSWORD, displayName }
	});
	if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
	return as(i, res.cookie!, { id: res.body.user.id, email, displayName });
}

export async function login(i: Instance, email: string) {
	return i.call('/api/v1/auth/login', { json: { email, password: PASSWORD } });
}

/** A room hosted by `host` with an invite; returns the room id and invite token. */
export async function roomWithInvite(host: Person, name = 'Admin test room') {
	const room = await host.call('/api/v1/rooms', { json: { name } });
	if (room.status !== 201) throw new Error(`room: ${room.status} ${JSON.stringify(room.body)}`);
	const roomId = room.body.room?.id ?? room.body.id;
	const invite = await host.call(`/api/v1/rooms/${roomId}/invites`, { json: {} });
	if (invite.status !== 201) throw new Error(`invite: ${invite.status}`);
	return { roomId: roomId as string, token: invite.body.invite.token as string };
}

export async function joinAsGuest(i: Instance, token: string, displayName = 'Guest') {
	return i.call(`/api/v1/invites/${token}/accept`, { json: { displayName } });
}

export async function upload(p: Person, file: string, visibility: 'public' | 'private' = 'public') {
	const form = new FormData();
	form.append('file', await openAsBlob(file, { type: 'audio/mpeg' }), basename(file));
	const res = await p.call('/api/v1/tracks', { method: 'POST', body: form });
	if (res.status !== 201 || visibility === 'private') return res;
	return p.call(`/api/v1/tracks/${res.body.id}`, { method: 'PATCH', json: { visibility } });
}
