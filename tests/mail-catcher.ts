// A real SMTP server for tests (npm smtp-server): every message it receives is parsed and
// written as JSON into a spool folder, so test processes other than the one that started it
// (vitest workers) can read what the app sent. With `httpPort` it also answers the read side of
// Mailpit's HTTP API, the one mailbox interface the e2e suite uses (so it runs unchanged against
// a staging deployment whose mail goes to a real Mailpit).
import { simpleParser } from 'mailparser';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
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

/** A caught mail as read back: its id is the spool file's name without `.json`. */
export type SpooledMail = CaughtMail & { id: string };

export async function startMailCatcher(
	dir: string,
	opts: { httpPort?: number; httpHost?: string } = {}
): Promise<{ url: string; httpUrl?: string; stop(): Promise<void> }> {
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
	const http = opts.httpPort === undefined ? undefined : await mailpitApi(dir, opts);
	const close = (s: { close(cb: () => void): unknown }) =>
		new Promise<void>((resolve) => s.close(() => resolve()));
	return {
		url: `smtp://127.0.0.1:${port}`,
		httpUrl: http?.url,
		stop: async () => {
			await Promise.all([close(server), http ? close(http.server) : undefined]);
		}
	};
}

const address = (a: string) => ({ Name: '', Address: a });

function summary(m: SpooledMail) {
	return {
		ID: m.id,
		From: address(m.from),
		To: m.to.map(address),
		Subject: m.subject,
		Created: new Date(m.receivedAt).toISOString(),
		Snippet: m.text.slice(0, 250)
	};
}

/**
 * The subset of Mailpit's API (https://mailpit.axllent.org/docs/api-v1/) that e2e/mail.ts reads:
 * GET /api/v1/messages, GET /api/v1/search?query=to:<address>, GET /api/v1/message/<ID>.
 */
async function mailpitApi(
	dir: string,
	opts: { httpPort?: number; httpHost?: string }
): Promise<{ url: string; server: Server }> {
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://mailbox');
		const send = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		void (async () => {
			if (req.method !== 'GET') return send(405, { error: 'GET only' });
			const mails = (await readMail(dir)).reverse();
			const byId = url.pathname.match(/^\/api\/v1\/message\/([\w.-]+)$/);
			if (byId) {
				const m = mails.find((x) => x.id === byId[1]);
				if (!m) return send(404, { error: 'message not found' });
				return send(200, {
					...summary(m),
					Date: new Date(m.receivedAt).toISOString(),
					Text: m.text,
					HTML: m.html
				});
			}
			let found = mails;
			if (url.pathname === '/api/v1/search') {
				// Only the `to:` term of Mailpit's query syntax, which is all the suite searches by.
				const to = url.searchParams.get('query')?.match(/^to:"?([^"\s]+)"?$/)?.[1];
				if (!to) return send(400, { error: 'only to:<address> queries are supported' });
				found = mails.filter((m) => m.to.includes(to.toLowerCase()));
			} else if (url.pathname !== '/api/v1/messages') return send(404, { error: 'not found' });
			const limit = Number(url.searchParams.get('limit') ?? 50);
			send(200, {
				total: mails.length,
				messages_count: found.length,
				messages: found.slice(0, limit).map(summary)
			});
		})().catch((err: Error) => send(500, { error: err.message }));
	});
	const host = opts.httpHost ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.httpPort, host, () => resolve());
	});
	const a = server.address();
	return { url: `http://${host}:${typeof a === 'object' && a ? a.port : 0}`, server };
}

export async function readMail(dir: string): Promise<SpooledMail[]> {
	const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
	const mails = await Promise.all(
		names.map(async (n) => ({
			...(JSON.parse(await readFile(join(dir, n), 'utf8')) as CaughtMail),
			id: n.slice(0, -'.json'.length)
		}))
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
