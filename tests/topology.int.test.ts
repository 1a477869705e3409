// Through Debian's nginx (deploy/nginx/nginx.conf.template) in front of the built web app with
// STREAM_ACCEL and two realtime nodes (scripts/lib/topology.ts): the app authorises each stream
// request and nginx sends the bytes from its internal location, with Range, If-Range, 416 and
// HEAD of its own; the realtime upstream is sticky per session and spreads sessions over nodes.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/lib/postgres.ts';
import {
	NGINX_TEMPLATE,
	nginxBinary,
	renderNginxConfig,
	startTopology,
	type Topology
} from '../scripts/lib/topology.ts';
import { signUp, type Client } from '../apps/web/test/tracks-client.ts';
import { makeAudio } from './fixtures/audio.ts';

const nginx = nginxBinary();

/** Two accounts through nginx, the first with one uploaded track (its bytes kept to compare). */
async function ownerAndStranger(url: string, dir: string, seconds: number, title: string) {
	const owner = await signUp(url);
	const stranger = await signUp(url);
	const file = await makeAudio(dir, 'mp3', { seconds, title });
	const bytes = await readFile(file);
	const res = await owner.upload(file);
	expect(res.status).toBe(201);
	const track = (await res.json()) as { id: string; sha256: string; streamUrl: string };
	return { owner, stranger, bytes, track };
}

describe.skipIf(!nginx)(
	nginx
		? 'streaming and realtime through nginx (scripts/lib/topology.ts)'
		: 'through nginx: SKIPPED, nginx is not installed (apt-get install -y nginx)',
	() => {
		let topology: Topology;
		let dir: string;
		let owner: Client;
		let stranger: Client;
		let bytes: Buffer;
		let track: { id: string; sha256: string; streamUrl: string };
		// nginx, as browsers see it: http://localhost:<port>, the web app's ORIGIN.
		let front: string;

		beforeAll(async () => {
			dir = await mkdtemp(join(tmpdir(), 'chorus-topology-test-'));
			topology = await startTopology({
				// Every test request comes from 127.0.0.1 through nginx.
				webEnv: { RATE_LIMIT_REGISTER_PER_IP: '1000', RATE_LIMIT_LOGIN_PER_IP: '1000' }
			});
			front = topology.url;
			({ owner, stranger, bytes, track } = await ownerAndStranger(front, dir, 4, 'Through nginx'));
		}, 120_000);
		afterAll(async () => {
			await topology?.stop();
			if (dir) await rm(dir, { recursive: true, force: true });
		});

		const etag = () => `"${track.sha256}"`;

		it('200: the whole file from nginx, with the headers of the direct path', async () => {
			const res = await owner.call(track.streamUrl);
			expect(res.status).toBe(200);
			expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
			const h = res.headers;
			expect(h.get('server')).toBe('nginx'); // nginx sent the body, not the app
			expect(h.get('content-type')).toBe('audio/mpeg');
			expect(h.get('content-length')).toBe(String(bytes.length));
			expect(h.get('accept-ranges')).toBe('bytes');
			expect(h.get('etag')).toBe(etag());
			expect(h.get('cache-control')).toBe('private, max-age=31536000, immutable');
			expect(h.get('last-modified')).toBeNull();
			expect(h.get('x-accel-redirect')).toBeNull();
			expect(h.get('x-content-type-options')).toBe('nosniff');
			expect(h.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
			expect(h.get('x-frame-options')).toBe('DENY');
			expect(h.get('content-security-policy')).toMatch(/default-src 'none'/);
			expect(h.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
		});

		it('206: Range requests answer exactly those bytes', async () => {
			for (let i = 0; i < 8; i++) {
				const start = randomInt(0, bytes.length - 1);
				const end = Math.min(bytes.length - 1, start + randomInt(0, 64 * 1024));
				const res = await owner.call(track.streamUrl, {
					headers: { range: `bytes=${start}-${end}` }
				});
				expect(res.status).toBe(206);
				expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
				expect(res.headers.get('etag')).toBe(etag());
				const body = Buffer.from(await res.arrayBuffer());
				expect(body.equals(bytes.subarray(start, end + 1))).toBe(true);
			}
			// A suffix longer than the file selects all of it (RFC 9110 14.1.2), as on the direct path.
			const suffix = await owner.call(track.streamUrl, { headers: { range: 'bytes=-99999999' } });
			expect(suffix.status).toBe(206);
			expect(suffix.headers.get('content-range')).toBe(
				`bytes 0-${bytes.length - 1}/${bytes.length}`
			);
			await suffix.arrayBuffer();
		});

		it('If-Range: the ETag gets the range, another validator the whole file', async () => {
			const same = await owner.call(track.streamUrl, {
				headers: { range: 'bytes=0-9', 'if-range': etag() }
			});
			expect(same.status).toBe(206);
			expect(Buffer.from(await same.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true);
			const stale = await owner.call(track.streamUrl, {
				headers: { range: 'bytes=0-9', 'if-range': '"something-else"' }
			});
			expect(stale.status).toBe(200);
			expect((await stale.arrayBuffer()).byteLength).toBe(bytes.length);
		});

		it('416 for an unsatisfiable range, in the app error shape', async () => {
			const res = await owner.call(track.streamUrl, {
				headers: { range: `bytes=${bytes.length}-${bytes.length + 10}` }
			});
			expect(res.status).toBe(416);
			expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
			expect(res.headers.get('content-type')).toBe('application/json');
			expect((await res.json()).error.code).toBe('RANGE_NOT_SATISFIABLE');
			// Security headers once, not twice (a 416 passes nginx's header filters twice).
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		});

		it('304 for If-None-Match with the ETag; HEAD without a body', async () => {
			const res = await owner.call(track.streamUrl, { headers: { 'if-none-match': etag() } });
			expect(res.status).toBe(304);
			expect(res.headers.get('etag')).toBe(etag());
			const head = await owner.call(track.streamUrl, {
				method: 'HEAD',
				headers: { range: 'bytes=10-19' }
			});
			expect(head.status).toBe(206);
			expect(head.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
			expect((await head.arrayBuffer()).byteLength).toBe(0);
		});

		it('authorisation is the app’s: 404 for a user who may not see it, 401 anonymous', async () => {
			const hidden = await stranger.call(track.streamUrl, { headers: { range: 'bytes=0-99' } });
			expect(hidden.status).toBe(404);
			expect((await hidden.json()).error.code).toBe('NOT_FOUND');
			const anonymous = await fetch(front + track.streamUrl, { headers: { range: 'bytes=0-99' } });
			expect(anonymous.status).toBe(401);
			expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');
		});

		it('the internal location cannot be reached from outside (404)', async () => {
			for (const path of [
				`/_blobs/audio/${track.sha256}`,
				`/_blobs/audio/`,
				`/_blobs/../_blobs/audio/${track.sha256}`
			]) {
				const res = await owner.call(path, { headers: { range: 'bytes=0-99' } });
				expect(res.status, path).toBe(404);
				const body = Buffer.from(await res.arrayBuffer());
				expect(body.includes(bytes.subarray(0, 64)), path).toBe(false);
			}
		});

		it('the app itself only hands over: X-Accel-Redirect and no body', async () => {
			const res = await fetch(topology.web.url + track.streamUrl, {
				headers: { cookie: owner.cookie, range: 'bytes=0-99' }
			});
			expect(res.status).toBe(200);
			expect(res.headers.get('x-accel-redirect')).toBe(`/_blobs/audio/${track.sha256}`);
			expect((await res.arrayBuffer()).byteLength).toBe(0);
		});

		/** The node nginx routes an Engine.IO handshake with this session cookie to. */
		async function nodeFor(cookie: string): Promise<string> {
			const res = await fetch(`${front}/socket.io/?EIO=4&transport=polling`, {
				headers: { cookie, origin: topology.url }
			});
			expect(res.status).toBe(200);
			await res.arrayBuffer();
			return res.headers.get('x-chorus-node') ?? 'none';
		}

		it('/socket.io/ is sticky per session and spreads sessions over both nodes', async () => {
			const seen = new Set<string>();
			for (let i = 0; i < 16; i++) {
				const cookie = `chorus_session=${randomBytes(16).toString('hex')}`;
				const node = await nodeFor(cookie);
				seen.add(node);
				// Polling needs every request of a session on one node.
				for (let j = 0; j < 3; j++) expect(await nodeFor(cookie)).toBe(node);
			}
			expect([...seen].sort()).toEqual(['realtime-1', 'realtime-2']);
		});
	}
);

describe.skipIf(!nginx)(
	nginx
		? 'without STREAM_ACCEL: the app streams through nginx (docker-compose with S3 does)'
		: 'without STREAM_ACCEL: SKIPPED, nginx is not installed (apt-get install -y nginx)',
	() => {
		let topology: Topology;
		let dir: string;
		beforeAll(async () => {
			dir = await mkdtemp(join(tmpdir(), 'chorus-topology-plain-'));
			topology = await startTopology({
				webEnv: { RATE_LIMIT_REGISTER_PER_IP: '1000', STREAM_ACCEL: '' }
			});
		}, 120_000);
		afterAll(async () => {
			await topology?.stop();
			if (dir) await rm(dir, { recursive: true, force: true });
		});

		it('200, 206, 304 and 416 come from the app, Range and If-None-Match passed on', async () => {
			const owner = await signUp(topology.url);
			const file = await makeAudio(dir, 'mp3', { seconds: 2, title: 'Plain' });
			const bytes = await readFile(file);
			const track = await (await owner.upload(file)).json();
			const full = await owner.call(track.streamUrl);
			expect(full.status).toBe(200);
			expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
			const part = await owner.call(track.streamUrl, { headers: { range: 'bytes=10-1009' } });
			expect(part.status).toBe(206);
			expect(part.headers.get('content-range')).toBe(`bytes 10-1009/${bytes.length}`);
			expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 1010))).toBe(true);
			const cached = await owner.call(track.streamUrl, {
				headers: { 'if-none-match': `"${track.sha256}"` }
			});
			expect(cached.status).toBe(304);
			const bad = await owner.call(track.streamUrl, {
				headers: { range: `bytes=${bytes.length}-` }
			});
			expect(bad.status).toBe(416);
			expect((await bad.json()).error.code).toBe('RANGE_NOT_SATISFIABLE');
		});
	}
);

const CACHE_SEC = 2;

describe.skipIf(!nginx)(
	nginx
		? `STREAM_ACCEL_CACHE_SEC=${CACHE_SEC}: nginx reuses an authorised answer per session and track`
		: 'authorisation cache: SKIPPED, nginx is not installed (apt-get install -y nginx)',
	() => {
		let topology: Topology;
		let dir: string;
		let owner: Client;
		let stranger: Client;
		let bytes: Buffer;
		let track: { id: string; sha256: string; streamUrl: string };

		beforeAll(async () => {
			dir = await mkdtemp(join(tmpdir(), 'chorus-topology-cache-'));
			topology = await startTopology({
				webEnv: {
					RATE_LIMIT_REGISTER_PER_IP: '1000',
					STREAM_ACCEL_CACHE_SEC: String(CACHE_SEC)
				}
			});
			({ owner, stranger, bytes, track } = await ownerAndStranger(topology.url, dir, 2, 'Cached'));
		}, 120_000);
		afterAll(async () => {
			await topology?.stop();
			if (dir) await rm(dir, { recursive: true, force: true });
		});

		it('serves later ranges without asking the app, each with its own bytes', async () => {
			const ids = new Set<string>();
			for (const [start, end] of [
				[0, 99],
				[1000, 4999],
				[bytes.length - 10, bytes.length - 1]
			] as const) {
				const res = await owner.call(track.streamUrl, {
					headers: { range: `bytes=${start}-${end}` }
				});
				expect(res.status).toBe(206);
				expect(res.headers.get('x-accel-expires')).toBeNull();
				expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(
					true
				);
				ids.add(res.headers.get('x-request-id')!);
			}
			// One answer of the app (its request id) served all three.
			expect(ids.size).toBe(1);
		});

		it('is per session: others still get 404 and 401; If-None-Match still reaches the app', async () => {
			await (await owner.call(track.streamUrl, { headers: { range: 'bytes=0-0' } })).arrayBuffer();
			expect((await stranger.call(track.streamUrl)).status).toBe(404);
			expect((await fetch(topology.url + track.streamUrl)).status).toBe(401);
			const cached = await owner.call(track.streamUrl, {
				headers: { 'if-none-match': `"${track.sha256}"` }
			});
			expect(cached.status).toBe(304);
		});

		it(`a signed-out session streams for about ${CACHE_SEC} s more, then 401`, async () => {
			const me = await signUp(topology.url);
			// Visible to everyone: only the session decides.
			expect(
				(
					await owner.call(`/api/v1/tracks/${track.id}`, {
						method: 'PATCH',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ visibility: 'public' })
					})
				).status
			).toBe(200);
			const get = () => me.call(track.streamUrl, { headers: { range: 'bytes=0-9' } });
			const first = await get();
			expect(first.status).toBe(206);
			await first.arrayBuffer();
			expect((await me.call('/api/v1/auth/logout', { method: 'POST' })).status).toBeLessThan(300);
			const loggedOut = Date.now();
			// Up to CACHE_SEC from the cached answer (nginx counts whole seconds), then the app's 401.
			let status = 0;
			while (Date.now() - loggedOut < 10_000) {
				const res = await get();
				await res.arrayBuffer();
				status = res.status;
				if (status !== 206) break;
				await new Promise((r) => setTimeout(r, 100));
			}
			// Measured ~2.8 s here; 10 s of slack is for a loaded machine, not a timing target.
			expect(status).toBe(401);
		});
	}
);

describe('deploy/nginx/nginx.conf.template under docker-compose', () => {
	it('gets a value for every ${CHORUS_*} variable from the nginx service', async () => {
		const { parse } = await import('yaml');
		const compose = parse(await readFile(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
			services: { nginx: { environment: Record<string, string> } };
		};
		const env = compose.services.nginx.environment;
		const template = await readFile(NGINX_TEMPLATE, 'utf8');
		const names = new Set([...template.matchAll(/\$\{(CHORUS_[A-Z_]+)\}/g)].map((m) => m[1]!));
		expect(names.size).toBeGreaterThan(5);
		// envsubst leaves an undefined ${VAR} in place, and nginx would refuse the file.
		for (const name of names) expect(env[name], name).toEqual(expect.any(String));
		const conf = renderNginxConfig(template, env);
		expect(conf).not.toMatch(/\$\{CHORUS_[A-Z_]+\}/);
		expect(conf).toMatch(/server web:3000 resolve;/);
	});

	it.skipIf(!nginx)(
		'is accepted by `nginx -t` (Debian’s nginx) as the topology renders it',
		async () => {
			// startTopology runs `nginx -t` before starting nginx; here without any app behind it.
			const dir = await mkdtemp(join(tmpdir(), 'chorus-nginx-t-'));
			try {
				const conf = renderNginxConfig(await readFile(NGINX_TEMPLATE, 'utf8'), {
					CHORUS_LISTEN: '127.0.0.1:9',
					CHORUS_WORKERS: '1',
					CHORUS_RESOLVER: '',
					CHORUS_WEB_SERVERS: 'server 127.0.0.1:9;',
					CHORUS_REALTIME_SERVERS: 'server 127.0.0.1:9; server 127.0.0.1:10;',
					CHORUS_BLOBS_DIR: dir,
					CHORUS_ACCESS_LOG: join(dir, 'access.log'),
					CHORUS_TEMP_DIR: dir
				});
				await writeFile(join(dir, 'nginx.conf'), conf);
				const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')];
				const t = spawnSync(nginx!, [...args, '-g', `pid ${join(dir, 'pid')};`, '-t'], {
					encoding: 'utf8'
				});
				expect(t.stderr).toMatch(/test is successful/);
				expect(t.status).toBe(0);
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
		}
	);
});
