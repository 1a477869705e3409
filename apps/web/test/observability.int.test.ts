// What an operator sees of a web process: metrics that move when things happen, who may scrape
// them, access logs without credentials, and liveness / readiness probes. Each server here is
// its own process, so counters move only for what this file does.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fileSize, makeAudio, randomBytesFile } from '../../../tests/fixtures/audio.ts';
import { freePort } from '../../../scripts/lib/postgres.ts';
import { lanAddress } from '../../../tests/helpers.ts';
import { metricDelta, scrape } from '../../../tests/metrics.ts';
import { startWeb, type StartedProcess } from '../../../tests/servers.ts';
import { signUp, waitProcessed } from './tracks-client.ts';

const TOKEN = 'web-metrics-token-0123456789abcdef';

let dir: string;
/** Loopback-only metrics, logging at info. */
let open: StartedProcess;
/** METRICS_TOKEN set; Redis on a port nobody listens on, blob storage under a plain file. */
let broken: StartedProcess;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chorus-obs-'));
	const notADir = join(dir, 'not-a-dir');
	await writeFile(notADir, 'a file where the data directory should be');
	const common = { DATABASE_URL: inject('databaseUrl'), HOST: '0.0.0.0' };
	[open, broken] = await Promise.all([
		startWeb({ ...common, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'info' }),
		startWeb(
			{
				...common,
				DATA_DIR: notADir,
				METRICS_TOKEN: TOKEN,
				REDIS_URL: `redis://127.0.0.1:${await freePort()}`
			},
			{ readyPath: '/livez' }
		)
	]);
}, 60_000);
afterAll(async () => {
	await Promise.all([open?.stop(), broken?.stop()]);
	await rm(dir, { recursive: true, force: true });
});

const delta = metricDelta;

describe('web metrics', () => {
	it('count uploads and their bytes, streamed bytes, processing jobs and requests by route', async () => {
		const user = await signUp(open.url);
		const file = await makeAudio(dir, 'mp3', { seconds: 1 });
		const size = await fileSize(file);
		const before = await scrape(open.url);

		const res = await user.upload(file);
		expect(res.status).toBe(201);
		const { id } = (await res.json()) as { id: string };
		const refused = await user.upload(await randomBytesFile(dir, 5_000));
		expect(refused.status).toBe(415);
		const stream = await user.call(`/api/v1/tracks/${id}/stream`, {
			headers: { range: 'bytes=0-999' }
		});
		expect(stream.status).toBe(206);
		expect((await stream.arrayBuffer()).byteLength).toBe(1000);
		await waitProcessed(user, id);

		const after = await scrape(open.url);
		expect(delta(before, after, 'chorus_web_uploads_total', { outcome: 'ok' })).toBe(1);
		expect(delta(before, after, 'chorus_web_upload_bytes_total', { outcome: 'ok' })).toBe(size);
		const refusals = after.filter(
			(s) => s.name === 'chorus_web_uploads_total' && s.labels.outcome !== 'ok'
		);
		expect(refusals.map((s) => [s.labels.outcome, s.value])).toEqual([
			[expect.stringMatching(/^UNSUPPORTED/), 1]
		]);
		expect(delta(before, after, 'chorus_web_stream_bytes_total')).toBe(1000);
		expect(
			delta(before, after, 'chorus_web_processing_job_duration_seconds_count', {
				outcome: 'ready'
			})
		).toBe(1);
		expect(after.some((s) => s.name === 'chorus_web_processing_queue_depth')).toBe(true);
		const requests = 'chorus_web_http_request_duration_seconds_count';
		expect(
			delta(before, after, requests, {
				method: 'GET',
				route: '/api/v1/tracks/[id]/stream',
				status: '206'
			})
		).toBe(1);
		expect(
			delta(before, after, requests, { method: 'POST', route: '/api/v1/tracks', status: '201' })
		).toBe(1);
	});
});

describe('who may scrape /metrics', () => {
	it('without METRICS_TOKEN: this host, unproxied', async () => {
		expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
		const proxied = await fetch(`${open.url}/metrics`, {
			headers: { 'x-forwarded-for': '203.0.113.9' }
		});
		expect(proxied.status).toBe(403);
		expect((await proxied.json()).error.code).toBe('FORBIDDEN');
	});

	it.skipIf(!lanAddress)('without METRICS_TOKEN: not a peer on the network', async () => {
		const res = await fetch(`http://${lanAddress}:${open.port}/metrics`);
		expect(res.status).toBe(403);
		expect(await res.text()).not.toContain('chorus_web_');
	});

	it('with METRICS_TOKEN: its bearer only, from anywhere', async () => {
		const urls = [`${broken.url}/metrics`];
		if (lanAddress) urls.push(`http://${lanAddress}:${broken.port}/metrics`);
		for (const url of urls) {
			const bare = await fetch(url);
			expect(bare.status, url).toBe(401);
			expect(bare.headers.get('www-authenticate')).toMatch(/^Bearer/);
			const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } });
			expect(wrong.status).toBe(401);
			const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
			expect(ok.status).toBe(200);
			expect(await ok.text()).toContain('chorus_web_http_request_duration_seconds');
		}
	});
});

describe('web access logs', () => {
	it('carry the request id and route, never a cookie, bearer or token', async () => {
		const secret = `tok-${randomUUID()}`;
		const requestId = `probe-${randomUUID().slice(0, 8)}`;
		const res = await fetch(`${open.url}/invite/${secret}?token=${secret}&utm=mail`, {
			headers: {
				cookie: `chorus_session=${secret}`,
				authorization: `Bearer ${secret}`,
				'x-request-id': requestId
			}
		});
		expect(res.headers.get('x-request-id')).toBe(requestId);
		await expect
			.poll(() =>
				open
					.output()
					.split('\n')
					.find((l) => l.includes(requestId))
			)
			.toBeTruthy();
		const line = JSON.parse(
			open
				.output()
				.split('\n')
				.find((l) => l.includes(requestId))!
		);
		expect(line).toMatchObject({
			msg: 'request',
			module: 'http',
			requestId,
			method: 'GET',
			route: '/invite/[token]',
			url: '/invite/[Redacted]?token=[Redacted]&utm=mail',
			status: res.status
		});
		expect(open.output()).not.toContain(secret);
	});
});

describe('liveness and readiness', () => {
	it('answer ok while every dependency answers', async () => {
		expect(await (await fetch(`${open.url}/livez`)).json()).toEqual({ status: 'ok' });
		const res = await fetch(`${open.url}/readyz`);
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.status).toBe('ok');
		expect(body.checks).toMatchObject({ postgres: 'ok', storage: 'ok' });
		expect(Object.values(body.checks)).toEqual(Object.values(body.checks).map(() => 'ok'));
	});

	it('readiness names a dead Redis and an unwritable storage dir; liveness stays ok', async () => {
		expect((await fetch(`${broken.url}/livez`)).status).toBe(200);
		const res = await fetch(`${broken.url}/readyz`);
		expect(res.status).toBe(503);
		const body = await res.json();
		expect(body.status).toBe('unavailable');
		expect(body.checks.postgres).toBe('ok');
		expect(body.checks.redis).not.toBe('ok');
		expect(body.checks.storage).not.toBe('ok');
		expect(body.checks.storage).toMatch(/ENOTDIR|EEXIST|not a directory|file already exists/);
	});
});
