import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueEmail } from '../../../tests/helpers.ts';
import { startWeb, type StartedProcess } from '../../../tests/servers.ts';

// Production without SMTP_URL: the app runs, says mail is not sent, and never logs a link.
describe('production without SMTP_URL', () => {
	let web: StartedProcess;
	beforeAll(async () => {
		web = await startWeb({
			DATABASE_URL: inject('databaseUrl'),
			RATE_LIMIT_NAMESPACE: `test-${randomBytes(6).toString('hex')}`,
			LOG_LEVEL: 'info'
		});
	});
	afterAll(() => web?.stop());

	const post = (path: string, json: unknown) =>
		fetch(web.url + path, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: web.url },
			body: JSON.stringify(json)
		});

	it('warns that mail is not sent and writes no token or link to the log', async () => {
		const email = uniqueEmail('nosmtp');
		const reg = await post('/api/v1/auth/register', {
			email,
			password: 'correct-horse-9',
			displayName: 'Nia'
		});
		expect(reg.status).toBe(201);
		expect((await post('/api/v1/auth/password-reset', { email })).status).toBe(202);
		await expect.poll(() => web.output(), { timeout: 5_000 }).toMatch(/mail was not sent/);
		const log = web.output();
		expect(log).not.toMatch(/token=/);
		expect(log).not.toMatch(/reset-password\?/);
		expect(log).not.toMatch(/verify-email\?/);
		expect(log).not.toContain(email);
		expect((await fetch(`${web.url}/dev/mailbox`)).status).toBe(404);
	});
});
