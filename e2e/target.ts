// What the suite runs against. Without BASE_URL: the servers serve.ts starts on this machine.
// With BASE_URL: any running deployment, reached only over HTTP(S) and its socket — no database,
// no filesystem; data is seeded through the JSON API, mail is read from an HTTP mailbox.
//
//   BASE_URL            the deployment's web origin, e.g. https://staging.chorus.example
//   E2E_REALTIME_URL    where its realtime service answers (default: BASE_URL, behind the same proxy)
//   MAILBOX_URL         a Mailpit-compatible HTTP API receiving the deployment's mail
//                       (locally: serve.ts's mail catcher on E2E_MAILBOX_PORT)
//   E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD  an admin of the deployment (global-setup.ts)
import { test } from '@playwright/test';

const webPort = Number(process.env.E2E_WEB_PORT ?? 4173);
const realtimePort = Number(process.env.E2E_REALTIME_PORT ?? 4174);

/** True when the suite tests a deployment it did not start. */
export const REMOTE = Boolean(process.env.BASE_URL);

// localhost, not 127.0.0.1: the session cookie is Secure, which Chromium allows on http://localhost.
export const BASE_URL = (process.env.BASE_URL ?? `http://localhost:${webPort}`).replace(/\/+$/, '');
export const ORIGIN = new URL(BASE_URL).origin;

export const REALTIME_URL =
	process.env.E2E_REALTIME_URL ?? (REMOTE ? ORIGIN : `http://127.0.0.1:${realtimePort}`);

export const MAILBOX_PORT = Number(process.env.E2E_MAILBOX_PORT ?? webPort + 2);
export const MAILBOX_URL: string | undefined =
	process.env.MAILBOX_URL ?? (REMOTE ? undefined : `http://127.0.0.1:${MAILBOX_PORT}`);

/** For specs that start or reach into the local servers: skipped against BASE_URL, saying why. */
export function localOnly(why: string) {
	test.skip(REMOTE, `needs the e2e servers on this machine (${why}); skipped against BASE_URL`);
}

/** For `@needs-mail` specs: skipped, saying why, when no mailbox is configured. */
export function needsMailbox() {
	test.skip(!MAILBOX_URL, 'reads mail: set MAILBOX_URL to a Mailpit-compatible API');
}
