import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTrack } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';
import { as, person, type Person } from './rooms-client.ts';
import { testDb } from './tracks-client.ts';

// A form post whose body is not a readable form is the client's mistake: every form action
// answers it below 500 (readForm in $lib/server/forms). Treated as a class: the actions are read
// from every +page.server.ts, so a new one is covered without being listed here.

const ROUTES_DIR = join(import.meta.dirname, '../src/routes');

/** Each page route with form actions: its id and action names ('default' for the unnamed one). */
async function formActions(): Promise<{ route: string; action: string }[]> {
	const found: { route: string; action: string }[] = [];
	for (const entry of await readdir(ROUTES_DIR, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile() || entry.name !== '+page.server.ts') continue;
		const source = await readFile(join(entry.parentPath, entry.name), 'utf8');
		const block = /export const actions[^=]*=\s*\{([\s\S]*?)\n\};/.exec(source)?.[1];
		if (!block) continue;
		const route = `/${relative(ROUTES_DIR, entry.parentPath).split(sep).filter(Boolean).join('/')}`;
		for (const [, action] of block.matchAll(/^\t(\w+)\s*[:(]/gm))
			found.push({ route, action: action! });
	}
	// Signing out ends the session the others are posted with: last.
	return found.sort((a, b) => Number(a.route === '/logout') - Number(b.route === '/logout'));
}

let user: Person;
let trackId: string;

beforeAll(async () => {
	user = await person('Former');
	trackId = (await createTrack(testDb(), user.user.id)).id;
});

describe('form actions and bodies that are not forms', () => {
	it('finds the app’s form actions', async () => {
		const actions = await formActions();
		expect(actions.length).toBeGreaterThan(20);
		expect(actions).toContainEqual({ route: '/tracks/[id]', action: 'update' });
		expect(actions).toContainEqual({ route: '/logout', action: 'default' });
	});

	it('answers a broken multipart body with a client error, never a 500', async () => {
		const answers: string[] = [];
		for (const { route, action } of await formActions()) {
			const path = route
				.replace('/tracks/[id]', `/tracks/${trackId}`)
				.replace(/\[\w+\]/g, randomUUID());
			const url = action === 'default' ? path : `${path}?/${action}`;
			const res = await api(
				url,
				as(user, {
					method: 'POST',
					body: 'name=x',
					headers: { accept: 'text/html', 'content-type': 'multipart/form-data; boundary=x' }
				})
			);
			answers.push(`${res.status} ${url}`);
		}
		expect(answers.filter((a) => a.startsWith('5'))).toEqual([]);
	});
});
