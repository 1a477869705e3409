import { chromium, defineConfig, devices, webkit, type Project } from '@playwright/test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASE_URL, MAILBOX_PORT, REMOTE } from './target.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const webPort = Number(process.env.E2E_WEB_PORT ?? 4173);
const realtimePort = Number(process.env.E2E_REALTIME_PORT ?? 4174);
const baseURL = BASE_URL;

/** Playwright's own Chromium when installed (`playwright install chromium`), else the system one. */
function browserLaunchOptions() {
	let bundled = '';
	try {
		bundled = chromium.executablePath();
	} catch {
		// unknown platform for Playwright's builds
	}
	if (bundled && existsSync(bundled)) return {};
	return {
		executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-background-networking',
			'--autoplay-policy=no-user-gesture-required'
		]
	};
}

/**
 * Phones: a Pixel 7 profile (Chromium: touch, mobile UA, 412×839 at DPR 2.6) for the specs tagged
 * @phone only, so CI runs a bounded subset twice rather than everything. WebKit (an iPhone
 * profile) joins when Playwright's WebKit is installed (`playwright install webkit`).
 */
function phoneProjects(): Project[] {
	const phones: Project[] = [
		{
			name: 'phone',
			grep: /@phone/,
			use: { ...devices['Pixel 7'], launchOptions: browserLaunchOptions() }
		}
	];
	let webkitPath = '';
	try {
		webkitPath = webkit.executablePath();
	} catch {
		// no WebKit build for this platform
	}
	if (webkitPath && existsSync(webkitPath)) {
		phones.push({ name: 'webkit', grep: /@phone/, use: { ...devices['iPhone 14'] } });
	} else if (!process.env.TEST_WORKER_INDEX) {
		console.log(
			'WebKit is not installed (npx playwright install webkit): the webkit project is skipped.'
		);
	}
	return phones;
}

export default defineConfig({
	testDir: './specs',
	outputDir: './test-results',
	fullyParallel: true,
	forbidOnly: !!process.env.CI,
	retries: process.env.CI ? 1 : 0,
	// Traces, screenshots and the HTML report are kept for failures; JUnit for CI dashboards.
	reporter: [
		['list'],
		['html', { open: 'never', outputFolder: `${here}playwright-report` }],
		['junit', { outputFile: `${here}test-results/junit.xml` }]
	],
	globalSetup: './global-setup.ts',
	use: {
		baseURL,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	projects: [
		{
			name: 'chromium',
			// Phone-only checks (touch targets, a phone-sized viewport) mean nothing on a desktop.
			grepInvert: /@phone-only/,
			use: { ...devices['Desktop Chrome'], launchOptions: browserLaunchOptions() }
		},
		...phoneProjects()
	],
	// Against BASE_URL the deployment is already running: nothing is started here.
	webServer: REMOTE
		? undefined
		: {
				// node --import tsx (not the tsx CLI) keeps serve.ts a single process, so it gets the signal
				// itself and can stop the servers and drop its database before exiting.
				command: 'node --import tsx serve.ts',
				cwd: here,
				url: `${baseURL}/api/v1/health`,
				env: {
					E2E_WEB_PORT: String(webPort),
					E2E_REALTIME_PORT: String(realtimePort),
					E2E_MAILBOX_PORT: String(MAILBOX_PORT)
				},
				reuseExistingServer: false,
				timeout: 120_000,
				stdout: 'pipe',
				stderr: 'pipe',
				// Without this Playwright SIGKILLs the process group and the test database is never dropped.
				// The web app can take ~5 s to stop (serve.ts then SIGKILLs it), so leave room for that.
				gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 }
			}
});
