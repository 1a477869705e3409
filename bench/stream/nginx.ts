// Debian's nginx as the baseline: started in the foreground with its own config in a temp dir,
// on a free loopback port, serving one directory with sendfile and no access log.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/postgres.ts';
import { tempDir } from '../lib/app.ts';
import type { Cleanup } from '../lib/harness.ts';
import { childPids } from '../lib/measure.ts';

export interface Nginx {
	url: string;
	/** The master; the workers are its children. */
	pid: number;
	workerPids(): number[];
	version: string;
}

export function nginxBinary(): string | null {
	for (const candidate of [
		'/usr/sbin/nginx',
		'/usr/local/sbin/nginx',
		'/usr/local/nginx/sbin/nginx'
	]) {
		if (existsSync(candidate)) return candidate;
	}
	const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
	return which.status === 0 ? which.stdout.trim() || null : null;
}

export async function startNginx(
	cleanup: Cleanup,
	opts: { root: string; workers: number }
): Promise<Nginx> {
	const bin = nginxBinary();
	if (!bin) throw new Error('nginx is not installed: apt-get install -y nginx');
	const version = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr.trim();
	const dir = await tempDir(cleanup, 'nginx');
	const port = await freePort();
	for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
		await mkdir(join(dir, 'tmp', sub), { recursive: true });
	}
	const conf = `
daemon off;
worker_processes ${opts.workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? 'user root;  # the files live in a private (0700) temp dir' : ''}
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 75s;
	keepalive_requests 1000000;
	default_type application/octet-stream;
	client_body_temp_path ${dir}/tmp/body;
	proxy_temp_path ${dir}/tmp/proxy;
	fastcgi_temp_path ${dir}/tmp/fastcgi;
	uwsgi_temp_path ${dir}/tmp/uwsgi;
	scgi_temp_path ${dir}/tmp/scgi;
	server {
		listen 127.0.0.1:${port};
		root ${opts.root};
		location / { }
	}
}
`;
	const confPath = join(dir, 'nginx.conf');
	await writeFile(confPath, conf);
	const child = spawn(bin, ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log')], {
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let log = '';
	child.stdout.on('data', (d) => (log += d));
	child.stderr.on('data', (d) => (log += d));
	cleanup.add('stop nginx', async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((r) => child.once('exit', r));
		child.kill('SIGTERM'); // fast shutdown: the master stops its workers
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	});

	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 10_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${log}`);
		try {
			await fetch(`${url}/`); // any answer (403 for the directory) means it is listening
			break;
		} catch {
			if (Date.now() > deadline) throw new Error(`nginx did not start: ${log}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	const pid = child.pid!;
	return { url, pid, workerPids: () => childPids(pid), version };
}
