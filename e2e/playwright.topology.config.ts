// The room journey through a real load-balanced topology: Debian nginx in front of the built web
// app and two realtime nodes with Redis (scripts/lib/topology.ts, started by topology-serve.ts).
//
//   pnpm build && cd e2e && npx playwright test -c playwright.topology.config.ts
//
// Without nginx installed nothing is started and the spec skips itself, saying so.
import { defineConfig, devices } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { nginxBinary } from '../scripts/lib/topology.ts';
import base from './playwright.config.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const port = Number(process.env.E2E_TOPOLOGY_PORT ?? 4321);
const baseURL = `http://localhost:${port}`;
const nginx = nginxBinary();
// The fixtures' SAME_ORIGIN header is built from E2E_WEB_PORT (target.ts, evaluated again in
// each worker, which inherits this): here the app's origin is nginx.
process.env.E2E_WEB_PORT = String(port);
process.env.CHORUS_TOPOLOGY_NGINX = nginx ?? '';

export default defineConfig({
	...base,
	testDir: './topology',
	// The main suite's admin seeding targets its own servers; the journey needs no admin.
	globalSetup: undefined,
	outputDir: './test-results/topology',
	reporter: [
		['list'],
		['html', { open: 'never', outputFolder: `${here}playwright-report/topology` }]
	],
	use: { ...base.use, baseURL },
	projects: [
		{
			name: 'topology',
			use: { ...devices['Desktop Chrome'], ...base.projects?.[0]?.use }
		}
	],
	webServer: nginx
		? {
				command: 'node --import tsx topology-serve.ts',
				cwd: here,
				url: `${baseURL}/api/v1/health`,
				env: { E2E_TOPOLOGY_PORT: String(port) },
				reuseExistingServer: false,
				timeout: 120_000,
				stdout: 'pipe',
				stderr: 'pipe',
				gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 }
			}
		: undefined
});
