// A real SMTP server for tests (npm smtp-server): every message it receives is parsed and
// written as JSON into a spool folder, so test processes other than the one that started it
// (vitest workers, Playwright specs) can read what the app sent.
import { simpleParser } from 'mailparser';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
	from: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	receivedAt: number;
}

export async function startMailCatcher(
	dir: string
): Promise<{ url: string; stop(): Promise<void> }> {
	await mkdir(dir, { recursive: true });
	const server = new SMTPServer({
		// Plain SMTP on loopback: no STARTTLS certificate to trust, no credentials.
		disabledCommands: ['STARTTLS', 'AUTH'],
		authOptional: true,
		logger: false,
		onData(stream, session, callback) {
			simpleParser(stream)
				.then(async (parsed) => {
					const mail: CaughtMail = {
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
						subject: parsed.subject ?? '',
						text: parsed.text ?? '',
						html: typeof parsed.html === 'string' ? parsed.html : '',
						receivedAt: Date.now()
					};
					const name = `${mail.receivedAt}-${randomBytes(4).toString('hex')}.json`;
					// Written aside, then renamed: readers never see a half-written .json file.
					await writeFile(join(dir, `${name}.tmp`), JSON.stringify(mail));
					await rename(join(dir, `${name}.tmp`), join(dir, name));
					callback();
				})
				.catch((err: Error) => callback(err));
		}
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const address = server.server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `smtp://127.0.0.1:${port}`,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

export async function readMail(dir: string): Promise<CaughtMail[]> {
	const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
	const mails = await Promise.all(
		names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as CaughtMail)
	);
	return mails.sort((a, b) => a.receivedAt - b.receivedAt);
}

/** The newest message to `to` (matching `subject`) received after `since`; waits for it. */
export async function waitForMail(
	dir: string,
	filter: { to: string; subject?: RegExp; since?: number },
	timeoutMs = 10_000
): Promise<CaughtMail> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = (await readMail(dir))
			.filter(
				(m) =>
					m.to.includes(filter.to.toLowerCase()) &&
					(!filter.subject || filter.subject.test(m.subject)) &&
					m.receivedAt >= (filter.since ?? 0)
			)
			.at(-1);
		if (found) return found;
		if (Date.now() > deadline)
			throw new Error(`no mail to ${filter.to} matching ${filter.subject ?? 'anything'}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Every mail to `to` received after `since` (no waiting): for "nothing was sent" checks. */
export async function mailTo(dir: string, to: string, since = 0): Promise<CaughtMail[]> {
	return (await readMail(dir)).filter(
		(m) => m.to.includes(to.toLowerCase()) && m.receivedAt >= since
	);
}
