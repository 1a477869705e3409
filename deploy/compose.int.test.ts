// Static checks of docker-compose.yml with whichever compose CLI is installed. No Docker engine
// is needed: `config` only parses, interpolates and validates the file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const composeFile = path.join(repoRoot, 'docker-compose.yml');

/** `docker compose` (v2 plugin) if it works, else `docker-compose` (v1), else null. */
function findComposeCli(): string[] | null {
	const candidates: Array<{ cmd: string[]; probe: string[] }> = [
		{ cmd: ['docker', 'compose'], probe: ['version'] },
		{ cmd: ['docker-compose'], probe: ['--version'] }
	];
	for (const { cmd, probe } of candidates) {
		const [bin, ...args] = cmd as [string, ...string[]];
		const result = spawnSync(bin, [...args, ...probe], { stdio: 'ignore', timeout: 20_000 });
		if (result.status === 0) return cmd;
	}
	return null;
}

/**
 * The environment with every variable the compose file interpolates removed, so the
 * `${VAR:-default}` fallbacks are what gets checked, whatever the developer's shell exports.
 */
function envWithoutComposeVars(): NodeJS.ProcessEnv {
	const names = new Set(
		[...readFileSync(composeFile, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map(
			(m) => m[1]
		)
	);
	return Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.has(name)));
}

function compose(cli: string[], args: string[]) {
	const [bin, ...prefix] = cli as [string, ...string[]];
	const result = spawnSync(bin, [...prefix, '-f', composeFile, ...args], {
		cwd: repoRoot,
		env: envWithoutComposeVars(),
		encoding: 'utf8',
		timeout: 60_000
	});
	if (result.error) throw result.error;
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The lines of one service's block in `config` YAML output (services are indented by 2). */
function serviceBlock(yaml: string, service: string): string {
	const lines = yaml.split('\n');
	const start = lines.findIndex((line) => line === `  ${service}:`);
	if (start === -1) return '';
	const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
	return lines.slice(start, end === -1 ? undefined : end).join('\n');
}

const cli = findComposeCli();
const cliName = cli?.join(' ') ?? 'none';

describe('docker-compose.yml', () => {
	it.skipIf(!cli)(
		cli
			? `is valid for \`${cliName} config -q\`, with a default for every variable`
			: 'is valid (SKIPPED: no compose CLI found, neither `docker compose` nor `docker-compose`)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			const { status, stderr } = compose(cli, ['config', '-q']);
			const unsetWarnings = stderr.split('\n').filter((line) => /variable is not set/i.test(line));
			expect(unsetWarnings, 'every ${VAR} needs a ${VAR:-default}').toEqual([]);
			expect(stderr.trim(), `${cliName} config -q printed on stderr`).toBe('');
			expect(status).toBe(0);
		}
	);

	it.skipIf(!cli)(
		cli
			? `routes traffic through nginx on :8080 to two realtime replicas (\`${cliName} config\`)`
			: 'routing (SKIPPED: no compose CLI found, neither `docker compose` nor `docker-compose`)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			const { status, stdout, stderr } = compose(cli, ['config']);
			expect(status, stderr).toBe(0);

			// docker-compose 1.x prints `published: 8080`, docker compose v2 `published: "8080"`.
			const nginx = serviceBlock(stdout, 'nginx');
			expect(nginx).toMatch(/image: nginx:1\.27-alpine/);
			expect(nginx).toMatch(/published: "?8080"?$/m);
			expect(nginx).toMatch(/target: 80$/m);
			expect(nginx).toMatch(/deploy\/nginx\/nginx\.conf\.template/);
			expect(nginx).toMatch(/\/etc\/nginx\/templates\/nginx\.conf\.template/);
			expect(nginx).toMatch(/NGINX_ENVSUBST_OUTPUT_DIR: \/etc\/nginx$/m);

			const realtime = serviceBlock(stdout, 'realtime');
			expect(realtime).toMatch(/replicas: 2\b/);
			// Replicas must not publish a host port (they would clash).
			expect(realtime).not.toMatch(/^\s+ports:/m);

			for (const app of ['web', 'realtime']) {
				const block = serviceBlock(stdout, app);
				expect(block, app).toMatch(/migrate:\n\s+condition: service_completed_successfully/);
			}
		}
	);

	it.skipIf(!cli)(
		cli
			? `runs Prometheus and Grafana only under the monitoring profile (\`${cliName} config\`)`
			: 'monitoring profile (SKIPPED: no compose CLI found)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			const check = compose(cli, ['--profile', 'monitoring', 'config', '-q']);
			expect(check.stderr.trim()).toBe('');
			expect(check.status).toBe(0);
			const { status, stdout, stderr } = compose(cli, ['--profile', 'monitoring', 'config']);
			expect(status, stderr).toBe(0);
			const prometheus = serviceBlock(stdout, 'prometheus');
			const grafana = serviceBlock(stdout, 'grafana');
			// `config` lists profiled services too (v1 does even without --profile): the key says it.
			for (const block of [prometheus, grafana]) {
				expect(block).toMatch(/profiles:\n\s+- monitoring$/m);
			}
			// Pinned to a release, never a moving tag.
			expect(prometheus).toMatch(/image: prom\/prometheus:v\d+\.\d+\.\d+$/m);
			expect(grafana).toMatch(/image: grafana\/grafana:\d+\.\d+\.\d+$/m);
			expect(prometheus).toMatch(/deploy\/prometheus:\/etc\/prometheus:ro/);
			expect(prometheus).toMatch(/METRICS_TOKEN/);
			expect(grafana).toMatch(/deploy\/grafana\/provisioning:\/etc\/grafana\/provisioning:ro/);
			expect(grafana).toMatch(/deploy\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards:ro/);
			// Published on this host only.
			for (const block of [prometheus, grafana]) expect(block).toMatch(/127\.0\.0\.1/);
			// Both services get the token Prometheus scrapes with.
			for (const app of ['web', 'realtime']) {
				expect(serviceBlock(stdout, app), app).toMatch(/METRICS_TOKEN/);
			}
		}
	);
});
