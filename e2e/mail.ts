// Mail the deployment sent, read through a Mailpit-compatible HTTP API (MAILBOX_URL): Mailpit in
// front of a staging deployment, or, locally, serve.ts's SMTP catcher (tests/mail-catcher.ts).
import { expect } from '@playwright/test';
import { MAILBOX_URL } from './target.ts';

export interface Mail {
	id: string;
	to: string[];
	subject: string;
	text: string;
}

interface Summary {
	ID: string;
	To: { Address: string }[];
	Subject: string;
}

function mailbox(): string {
	if (!MAILBOX_URL) throw new Error('no mailbox: set MAILBOX_URL (see e2e/README.md)');
	return MAILBOX_URL.replace(/\/+$/, '');
}

async function get<T>(path: string): Promise<T> {
	const res = await fetch(`${mailbox()}${path}`);
	if (!res.ok) throw new Error(`mailbox ${path}: ${res.status} ${await res.text()}`);
	return (await res.json()) as T;
}

async function messagesTo(to: string): Promise<Summary[]> {
	const query = encodeURIComponent(`to:"${to}"`);
	const { messages } = await get<{ messages: Summary[] }>(`/api/v1/search?query=${query}&limit=50`);
	// Exact recipient: Mailpit's to: matches parts of addresses too.
	return messages.filter((m) => m.To.some((t) => t.Address.toLowerCase() === to.toLowerCase()));
}

/** What `to` has received so far; pass it to waitForMail to wait for something newer. */
export async function mailMark(to: string): Promise<Set<string>> {
	return new Set((await messagesTo(to)).map((m) => m.ID));
}

/** The newest message to `to` (matching `subject`) that is not in `seen`; waits for it. */
export async function waitForMail(filter: {
	to: string;
	subject?: RegExp;
	seen?: Set<string>;
}): Promise<Mail> {
	let found: Summary | undefined;
	await expect
		.poll(
			async () =>
				(found = (await messagesTo(filter.to)).find(
					(m) => !filter.seen?.has(m.ID) && (!filter.subject || filter.subject.test(m.Subject))
				)) !== undefined,
			{ message: `mail to ${filter.to} matching ${filter.subject ?? 'anything'}`, timeout: 15_000 }
		)
		.toBe(true);
	const m = await get<{ ID: string; To: { Address: string }[]; Subject: string; Text: string }>(
		`/api/v1/message/${encodeURIComponent(found!.ID)}`
	);
	return { id: m.ID, to: m.To.map((t) => t.Address), subject: m.Subject, text: m.Text };
}

/** The first link to `path` in a mail, as a path + query the page can `goto`. */
export function linkIn(mail: Mail, path: string): string {
	const href = mail.text.match(/https?:\/\/\S+/g)?.find((u) => new URL(u).pathname === path);
	if (!href) throw new Error(`no ${path} link in:\n${mail.text}`);
	const url = new URL(href);
	return url.pathname + url.search;
}
