// The mail the e2e web server sent: serve.ts runs a real SMTP server (tests/mail-catcher.ts) that
// writes each message into this folder, which specs read.
import { fileURLToPath } from 'node:url';
import { waitForMail as waitInDir, type CaughtMail } from '../tests/mail-catcher.ts';

export const E2E_MAIL_DIR = fileURLToPath(new URL('./.runtime/mail', import.meta.url));

export function waitForMail(filter: { to: string; subject?: RegExp; since?: number }) {
	return waitInDir(E2E_MAIL_DIR, filter);
}

/** The first link to `path` in a mail, as a path + query the page can `goto`. */
export function linkIn(mail: CaughtMail, path: string): string {
	const href = mail.text.match(/https?:\/\/\S+/g)?.find((u) => new URL(u).pathname === path);
	if (!href) throw new Error(`no ${path} link in:\n${mail.text}`);
	const url = new URL(href);
	return url.pathname + url.search;
}
