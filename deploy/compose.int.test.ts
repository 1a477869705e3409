// Static checks of docker-compose.yml with whichever compose CLI is installed. No Docker engine
// is needed: `config` only parses, interpolates and validates the file.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const composeFile = path.join(repoRoot, 'docker-compose.yml');
const envExample = readFileSync(path.join(repoRoot, '.env.example'), 'utf8');

/** Variables the compose file requires (`${VAR:?message}`), with their messages. */
const requiredVars = new Map(
	[...readFileSync(composeFile, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?([^}]*)\}/g)].map(
		(m) => [m[1]!, m[2]!]
	)
);

const envDir = mkdtempSync(path.join(tmpdir(), 'chorus-compose-env-'));
afterAll(() => rmSync(envDir, { recursive: true, force: true }));
let envFiles = 0;
/** An env file for `--env-file` (so a developer's own .env never takes part). */
function envFile(text: string): string {
	const file = path.join(envDir, `${++envFiles}.env`);
	writeFileSync(file, text);
	return file;
}

/** .env.example with every empty required secret filled in, as its instructions ask. */
function filledEnvExample(): string {
	return envExample.replace(/^([A-Z_]+)=$/gm, (line, name: string) =>
		requiredVars.has(name) ? `${name}=${randomBytes(24).toString('hex')}` : line
	);
}

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
	names.add('COMPOSE_PROFILES');
	return Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.has(name)));
}

/** Runs compose with an env file (by default .env.example with its secrets filled in). */
function compose(cli: string[], args: string[], env = envFile(filledEnvExample())) {
	const [bin, ...prefix] = cli as [string, ...string[]];
	const result = spawnSync(bin, [...prefix, '-f', composeFile, '--env-file', env, ...args], {
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
	it('requires its secrets, and .env.example documents each one, empty', () => {
		expect([...requiredVars.keys()].sort()).toEqual(['POSTGRES_PASSWORD', 'SECRETS_KEY']);
		for (const [name, message] of requiredVars) {
			expect(message, name).toBe(`set ${name} in .env (see .env.example)`);
			// Listed with no value: an example value would be a public default again.
			expect(envExample, name).toMatch(new RegExp(`^${name}=$`, 'm'));
		}
	});

	it("builds the web image on a pinned Node release with Debian's ffmpeg as FFMPEG_PATH", () => {
		const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
		expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-[a-z]+-slim$/m);
		const web = /^FROM \S+ AS web$([\s\S]*?)(?=^FROM |(?![\s\S]))/m.exec(dockerfile)?.[1] ?? '';
		expect(web).toMatch(/apt-get install -y --no-install-recommends ffmpeg/);
		expect(web).toMatch(/FFMPEG_PATH=\/usr\/bin\/ffmpeg/);
	});

	it.skipIf(!cli)(
		cli
			? `is valid for \`${cliName} config -q\` with .env.example's secrets filled in`
			: 'is valid (SKIPPED: no compose CLI found, neither `docker compose` nor `docker-compose`)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			const { status, stderr } = compose(cli, ['config', '-q']);
			const unsetWarnings = stderr.split('\n').filter((line) => /variable is not set/i.test(line));
			expect(unsetWarnings, 'every ${VAR} needs a ${VAR:-default} or ${VAR:?message}').toEqual([]);
			expect(stderr.trim(), `${cliName} config -q printed on stderr`).toBe('');
			expect(status).toBe(0);
		}
	);

	it.skipIf(!cli)(
		cli
			? `refuses to render without a secret, saying which and where (\`${cliName} config\`)`
			: 'missing secrets (SKIPPED: no compose CLI found)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			// .env.example as shipped: the secrets are still empty.
			const asShipped = compose(cli, ['config', '-q'], envFile(envExample));
			expect(asShipped.status).not.toBe(0);
			expect(asShipped.stderr).toMatch(
				/set (POSTGRES_PASSWORD|SECRETS_KEY) in \.env \(see \.env\.example\)/
			);
			for (const name of requiredVars.keys()) {
				const without = filledEnvExample().replace(new RegExp(`^${name}=.*$`, 'm'), '');
				const { status, stderr } = compose(cli, ['config', '-q'], envFile(without));
				expect(status, name).not.toBe(0);
				expect(stderr, name).toContain(`set ${name} in .env (see .env.example)`);
			}
		}
	);

	it.skipIf(!cli)(
		cli
			? `pins every image to a release (\`${cliName} config\`, all profiles)`
			: 'pinned images (SKIPPED: no compose CLI found)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			const { status, stdout, stderr } = compose(cli, [
				'--profile',
				's3',
				'--profile',
				'monitoring',
				'config'
			]);
			expect(status, stderr).toBe(0);
			const services = (parse(stdout) as { services: Record<string, { image?: string }> }).services;
			const images = Object.entries(services).filter(([, s]) => s.image !== undefined);
			expect(images.map(([name]) => name).sort()).toEqual(
				['grafana', 'migrate', 'nginx', 'postgres', 'prometheus', 'redis', 's3'].sort()
			);
			for (const [name, { image }] of images) {
				// name:tag where the tag carries a version with at least a minor and a patch part
				// (`17.9` counts: PostgreSQL numbers its patch releases with two parts).
				const tag = /^[a-z0-9./_-]+:(v?\d+\.\d+[\w.-]*)(@sha256:[0-9a-f]{64})?$/.exec(image!)?.[1];
				expect(tag, `${name}: ${image} is not pinned to a release`).toBeDefined();
				expect(tag, name).not.toMatch(/latest|stable|mainline/);
			}
		}
	);

	it.skipIf(!cli)(
		cli
			? `keeps blobs on a local volume, and the S3 service behind the s3 profile (\`${cliName} config\`)`
			: 's3 profile (SKIPPED: no compose CLI found)',
		() => {
			if (!cli) throw new Error('unreachable: skipped without a compose CLI');
			const plain = compose(cli, ['config']);
			expect(plain.status, plain.stderr).toBe(0);
			const web = serviceBlock(plain.stdout, 'web');
			expect(web).toMatch(/STORAGE_DRIVER: local$/m);
			expect(web).toMatch(/web-data:\/data|source: web-data\n\s+target: \/data/);
			// The default stack must not wait for a service that only runs under a profile.
			expect(web).not.toMatch(/^\s+s3:$/m);
			// docker compose v2 leaves it out; v1 lists it with its profiles key.
			const s3WithoutProfile = serviceBlock(plain.stdout, 's3');
			if (s3WithoutProfile) expect(s3WithoutProfile).toMatch(/profiles:\n\s+- s3$/m);

			const withS3 = compose(
				cli,
				['config'],
				envFile(
					filledEnvExample()
						.replace(/^STORAGE_DRIVER=.*$/m, 'STORAGE_DRIVER=s3')
						.replace(/^COMPOSE_PROFILES=.*$/m, 'COMPOSE_PROFILES=s3')
						.replace(/^S3_ACCESS_KEY_ID=$/m, 'S3_ACCESS_KEY_ID=chorus-access')
						.replace(/^S3_SECRET_ACCESS_KEY=$/m, 'S3_SECRET_ACCESS_KEY=chorus-secret-key')
				)
			);
			expect(withS3.status, withS3.stderr).toBe(0);
			const s3 = serviceBlock(withS3.stdout, 's3');
			expect(s3).toMatch(/image: chrislusf\/seaweedfs:/);
			expect(s3).toMatch(/profiles:\n\s+- s3$/m);
			expect(s3).toMatch(/AWS_ACCESS_KEY_ID: chorus-access$/m);
			expect(s3).toMatch(/AWS_SECRET_ACCESS_KEY: chorus-secret-key$/m);
			// Never on the host: only web talks to it.
			expect(s3).not.toMatch(/^\s+ports:/m);
			const s3Web = serviceBlock(withS3.stdout, 'web');
			expect(s3Web).toMatch(/STORAGE_DRIVER: s3$/m);
			expect(s3Web).toMatch(/S3_ENDPOINT: http:\/\/s3:8333$/m);
			expect(s3Web).toMatch(/S3_ACCESS_KEY_ID: chorus-access$/m);
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
			expect(nginx).toMatch(/image: nginx:1\.\d+\.\d+-alpine$/m);
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
