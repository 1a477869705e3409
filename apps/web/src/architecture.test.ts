// The web app's data-loading rule is enforced by ESLint (eslint.config.js, webDataLoading): server
// loads and form actions call the services in $lib/server, never the app's own /api/v1 and never
// Prisma. Each way of breaking the rule is shown to fail, what it allows to pass, and every real
// load file to pass.
import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;
const ROOT = join(SRC, '../../..');
const RULES = ['no-restricted-syntax', 'no-restricted-imports'];
const eslint = new ESLint({ cwd: ROOT });

/** The messages of the data-loading rules ESLint gives `code` as if it were the file `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath: join(SRC, path) });
	return result!.messages.filter((m) => RULES.includes(m.ruleId ?? '')).map((m) => m.message);
}

const OWN_API = 'call the services in $lib/server directly';
const PAGE = 'routes/albums/[id]/+page.server.ts';
const LAYOUT = 'routes/account/+layout.server.ts';

describe('server loads and actions', () => {
	// Loading the flat config (plugins, parsers) takes a few seconds, once.
	beforeAll(() => restricted(PAGE, ''), 60_000);

	it.each([
		[
			'fetch of a string',
			PAGE,
			`export const load = async ({ fetch }) => (await fetch('/api/v1/genres')).json();\n`
		],
		[
			'fetch of a template',
			PAGE,
			'export const load = async ({ fetch, params }) =>\n' +
				'\t(await fetch(`/api/v1/albums/${params.id}`)).json();\n'
		],
		[
			'a helper given the path',
			'routes/library/+page.server.ts',
			'declare function apiGet(e: unknown, path: string): Promise<unknown>;\n' +
				`export const load = (event: unknown) => apiGet(event, '/api/v1/me/likes?limit=50');\n`
		],
		[
			'the API path in a constant',
			'routes/playlists/[id]/+page.server.ts',
			`const path = (id: string) => '/api/v1/playlists/' + id;\nexport const p = path;\n`
		],
		[
			'an absolute URL to the API',
			LAYOUT,
			'export const load = async ({ fetch, url }) =>\n' +
				'\t(await fetch(`${url.origin}/api/v1/home`)).json();\n'
		],
		[
			'a form action posting to the API',
			'routes/tracks/[id]/+page.server.ts',
			'export const actions = {\n' +
				"\tdefault: async ({ fetch }) => fetch('/api/v1/playlists', { method: 'POST' })\n" +
				'};\n'
		]
	])('may not reach the own API: %s', async (_name, file, code) => {
		const messages = await restricted(file, code);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toContain(OWN_API);
	});

	it.each([
		['$lib/server/db', PAGE],
		['@chorus/db', LAYOUT]
	])('may not import %s (queries belong to a service)', async (from, file) => {
		const messages = await restricted(
			file,
			`import { getDb } from '${from}';\nexport { getDb };\n`
		);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toContain('Queries belong to a service');
	});

	it.each([
		[
			'a service call',
			PAGE,
			"import { getAlbum } from '$lib/server/library/browse';\n" +
				'export const load = async ({ params }) => getAlbum(params.id, "u");\n'
		],
		[
			'a redirect to a page',
			LAYOUT,
			"import { redirect } from '@sveltejs/kit';\nexport const load = () => redirect(303, '/login');\n"
		],
		[
			'an API route naming its own path',
			'routes/api/v1/playlists/+server.ts',
			"export const GET = () => new Response(null, { headers: { location: '/api/v1/playlists/1' } });\n"
		],
		[
			'a component fetching the API',
			'lib/library/api.ts',
			"export const get = () => fetch('/api/v1/search?q=x');\n"
		]
	])('allows %s', async (_name, file, code) => {
		expect(await restricted(file, code)).toEqual([]);
	});

	it('every load file of the app follows the rule', async () => {
		const files = (readdirSync(join(SRC, 'routes'), { recursive: true }) as string[])
			.filter((f) => /(^|[/\\])\+(page|layout)\.server\.ts$/.test(f))
			.map((f) => join(SRC, 'routes', f));
		expect(files.length).toBeGreaterThan(20);
		const results = await eslint.lintFiles(files);
		const broken = results.flatMap((r) =>
			r.messages
				.filter((m) => RULES.includes(m.ruleId ?? ''))
				.map((m) => `${relative(ROOT, r.filePath)}:${m.line} ${m.message}`)
		);
		expect(broken).toEqual([]);
	}, 60_000);
});
