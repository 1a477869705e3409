// The monitoring profile's Prometheus config, alert rules and Grafana dashboard cannot drift from
// the code: every metric they query must be one the running services export (scraped here from
// the built web app and a real realtime node), every job they name must be scraped, and promtool
// (when installed) accepts the files.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { openDb, startNode, type Node } from '../apps/realtime/test/harness.ts';

const deploy = fileURLToPath(new URL('.', import.meta.url));
const prometheusDir = join(deploy, 'prometheus');

interface Rules {
	groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface Dashboard {
	panels: { title: string; targets: { expr: string }[] }[];
}
interface PrometheusConfig {
	rule_files: string[];
	scrape_configs: { job_name: string; metrics_path: string }[];
}

const readYaml = async <T>(file: string) => parse(await readFile(file, 'utf8')) as T;

/** Series names a scrape can have: each `# TYPE` (so metrics not yet observed count too). */
function exportedSeries(text: string): Set<string> {
	const names = new Set<string>();
	for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
		names.add(name!);
		if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
		if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name! + s);
	}
	return names;
}

/** Every query: alert rules' and dashboard panels', each with where it comes from. */
async function queries(): Promise<{ where: string; expr: string }[]> {
	const rules = await readYaml<Rules>(join(prometheusDir, 'alerts.yml'));
	const dashboard = JSON.parse(
		await readFile(join(deploy, 'grafana/dashboards/chorus.json'), 'utf8')
	) as Dashboard;
	return [
		...rules.groups.flatMap((g) =>
			g.rules.map((r) => ({ where: `alert ${r.alert ?? r.record}`, expr: r.expr }))
		),
		...dashboard.panels.flatMap((p) =>
			p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))
		)
	];
}

let node: Node;
let db: ReturnType<typeof openDb>['db'];
let exported: Set<string>;
beforeAll(async () => {
	const opened = openDb(inject('databaseUrl'));
	db = opened.db;
	node = await startNode(db, opened.sessions);
	// From loopback and unproxied: neither service needs a token for that.
	const texts = await Promise.all(
		[inject('webUrl'), node.url].map(async (base) => {
			const res = await fetch(`${base}/metrics`);
			expect(res.status, base).toBe(200);
			return res.text();
		})
	);
	exported = new Set(texts.flatMap((t) => [...exportedSeries(t)]));
});
afterAll(async () => {
	await node?.stop();
	await db?.$disconnect();
});

describe('alerts and dashboard', () => {
	it('query only metrics the web app and the realtime service export', async () => {
		const all = await queries();
		expect(all.length).toBeGreaterThan(10);
		const missing: string[] = [];
		for (const { where, expr } of all) {
			const names = [...expr.matchAll(/\bchorus_[a-z0-9_]+\b/g)].map((m) => m[0]);
			expect(names.length > 0 || /\bup\b/.test(expr), `${where} queries no Chorus metric`).toBe(
				true
			);
			for (const name of names) if (!exported.has(name)) missing.push(`${where}: ${name}`);
		}
		expect(missing).toEqual([]);
	});

	it('name only jobs that prometheus.yml scrapes', async () => {
		const config = await readYaml<PrometheusConfig>(join(prometheusDir, 'prometheus.yml'));
		const jobs = new Set(config.scrape_configs.map((c) => c.job_name));
		expect(jobs).toEqual(new Set(['chorus-web', 'chorus-realtime']));
		for (const { where, expr } of await queries()) {
			for (const [, values] of expr.matchAll(/\bjob=~?"([^"]+)"/g)) {
				for (const job of values!.split('|')) expect(jobs, `${where}: job ${job}`).toContain(job);
			}
		}
		expect(config.rule_files).toEqual(['alerts.yml']);
	});

	it('cover what the dashboard is for: rooms, listeners, ack p99, sync spread, 5xx, streaming', async () => {
		const text = (await queries()).map((q) => q.expr).join('\n');
		for (const metric of [
			'chorus_realtime_rooms_active',
			'chorus_realtime_connected_sockets',
			'chorus_realtime_ack_duration_seconds_bucket',
			'chorus_realtime_sync_drift_seconds_bucket',
			'chorus_web_http_request_duration_seconds_count',
			'chorus_web_stream_bytes_total'
		]) {
			expect(text).toContain(metric);
		}
	});
});

const promtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!promtool)('promtool', () => {
	it('accepts the alert rules', () => {
		const res = spawnSync('promtool', ['check', 'rules', join(prometheusDir, 'alerts.yml')], {
			encoding: 'utf8'
		});
		expect(res.status, res.stdout + res.stderr).toBe(0);
	});

	it('accepts the scrape config (with a token file where the entrypoint writes one)', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'chorus-prom-'));
		try {
			const token = join(dir, 'metrics-token');
			await writeFile(token, 'a-metrics-token-of-32-characters');
			const config = (await readFile(join(prometheusDir, 'prometheus.yml'), 'utf8')).replaceAll(
				'/tmp/metrics-token',
				token
			);
			await writeFile(join(dir, 'prometheus.yml'), config);
			await copyFile(join(prometheusDir, 'alerts.yml'), join(dir, 'alerts.yml'));
			const res = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
				encoding: 'utf8'
			});
			expect(res.status, res.stdout + res.stderr).toBe(0);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
