// The root error page on the built server: status, message and the request id that the same
// response carries as x-request-id (what a person reads out to whoever looks at the logs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/postgres.ts';
import { startWeb, type StartedProcess } from '../../../tests/servers.ts';
import { api, callWeb } from './api-client.ts';

const shownRequestId = (html: string) =>
	/data-testid="request-id"[^>]*>([^<]+)</.exec(html)?.[1] ?? null;

describe('error page', () => {
	it('a missing page shows 404 and its request id, and links home', async () => {
		const res = await api<string>('/no-such-page-here', { headers: { accept: 'text/html' } });
		expect(res.status).toBe(404);
		const html = String(res.body);
		expect(html).toContain('Page not found');
		const id = res.headers.get('x-request-id');
		expect(id).toBeTruthy();
		expect(shownRequestId(html)).toBe(id);
		// resolve('/') renders relative on the server (e.g. "../" under /a/b).
		expect(html).toMatch(/<a [^>]*href="(\.\/|\/)"[^>]*>Go home<\/a>/);
	});

	it('a proxy-given request id is the one shown', async () => {
		const id = `req-${Date.now()}-abc`;
		const res = await api<string>('/missing/deeper/page', {
			headers: { accept: 'text/html', 'x-request-id': id }
		});
		expect(res.headers.get('x-request-id')).toBe(id);
		expect(shownRequestId(String(res.body))).toBe(id);
	});

	describe('an unhandled error (the database is down)', () => {
		let broken: StartedProcess;
		beforeAll(async () => {
			broken = await startWeb(
				{ DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/nothing` },
				{ readyPath: '/livez' }
			);
		}, 60_000);
		afterAll(() => broken?.stop());

		it('shows 500 with a generic message and the request id, never the cause', async () => {
			// Loading this page looks its token up in PostgreSQL, which does not answer.
			const res = await callWeb<string>(
				broken.url,
				broken.url,
				`/verify-email?token=${'a'.repeat(43)}`,
				{
					headers: { accept: 'text/html' }
				}
			);
			expect(res.status).toBe(500);
			const html = String(res.body);
			expect(html).toContain('Something went wrong');
			const id = res.headers.get('x-request-id');
			expect(id).toBeTruthy();
			expect(shownRequestId(html)).toBe(id);
			expect(html).not.toMatch(/prisma|ECONNREFUSED|stack/i);
			// …and the log line carries the same id, so the page leads to the cause.
			expect(broken.output()).toContain(id!);
		});
	});
});
