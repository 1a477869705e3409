import { createDb } from '@chorus/db';
import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { inject } from 'vitest';
import { randomIp, uniqueEmail } from '../../../tests/helpers.ts';

export interface Client {
	base: string;
	cookie: string;
	userId: string;
	call(path: string, init?: RequestInit): Promise<Response>;
	upload(
		file: string,
		opts?: { filename?: string; type?: string; field?: string }
	): Promise<Response>;
}

/** Registers a fresh user on the web server at `base` and returns a cookie-carrying client. */
export async function signUp(base = inject('webUrl')): Promise<Client> {
	const ip = randomIp();
	const res = await fetch(`${base}/api/v1/auth/register`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, origin: base },
		body: JSON.stringify({
			email: uniqueEmail('up'),
			password: 'tidal-marmot-orchard-5',
			displayName: 'Uploader'
		})
	});
	if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
	const cookie = res.headers.get('set-cookie')!.match(/(chorus_session=[^;]*)/)![1]!;
	const { user } = (await res.json()) as { user: { id: string } };
	const call = (path: string, init: RequestInit = {}) =>
		fetch(base + path, {
			...init,
			headers: {
				cookie,
				'x-forwarded-for': ip,
				// Same-origin, as the app's own pages (the web app refuses origin-less mutations).
				origin: base,
				...(init.headers as Record<string, string>)
			}
		});
	return {
		base,
		cookie,
		userId: user.id,
		call,
		async upload(file, opts = {}) {
			const form = new FormData();
			// openAsBlob streams from disk: large uploads are not built in memory by the test either.
			const blob = await openAsBlob(file, { type: opts.type ?? 'application/octet-stream' });
			form.append(opts.field ?? 'file', blob, opts.filename ?? basename(file));
			return call('/api/v1/tracks', { method: 'POST', body: form });
		}
	};
}

export const sha256File = async (file: string) =>
	createHash('sha256')
		.update(await readFile(file))
		.digest('hex');

/** Every file below dir (relative paths), or [] when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
	try {
		const entries = await readdir(dir, { recursive: true, withFileTypes: true });
		return entries
			.filter((e) => e.isFile())
			.map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
	} catch {
		return [];
	}
}

let db: ReturnType<typeof createDb> | undefined;
export function testDb() {
	db ??= createDb(inject('databaseUrl'), { poolSize: 2 });
	return db;
}

/** Polls the track until background processing has finished. */
export async function waitProcessed(c: Client, id: string, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const t = (await (await c.call(`/api/v1/tracks/${id}`)).json()) as { processingStatus: string };
		if (t.processingStatus !== 'pending') return t;
		if (Date.now() > deadline) throw new Error(`track ${id} still pending`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
