// Russian in search: case and ё/е folded alike in the index and the query, and either script
// finds the other ("kino" finds «Кино», «Кино» finds "Kino").
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTrack } from '../../../tests/helpers.ts';
import { signUp, testDb, type Client } from './tracks-client.ts';

// Letters that transliterate one to one, so a random word has a known Cyrillic twin.
const PAIRS: [string, string][] = [
	['a', 'а'],
	['b', 'б'],
	['v', 'в'],
	['g', 'г'],
	['d', 'д'],
	['k', 'к'],
	['l', 'л'],
	['m', 'м'],
	['n', 'н'],
	['o', 'о'],
	['p', 'п'],
	['r', 'р'],
	['u', 'у'],
	['f', 'ф']
];
const picks = [...randomBytes(9)].map((b) => PAIRS[b % PAIRS.length]!);
/** This run's own word, in both scripts, so other files' tracks never match. */
const lat = picks.map((p) => p[0]).join('');
const cyr = picks.map((p) => p[1]).join('');

let me: Client;
const ids: Record<string, string> = {};

async function track(key: string, title: string, artist: string) {
	const t = await createTrack(testDb(), me.userId, { title, visibility: 'private' });
	await testDb().track.update({ where: { id: t.id }, data: { artist } });
	ids[key] = t.id;
}

async function search(q: string): Promise<string[]> {
	const res = await me.call(`/api/v1/search?q=${encodeURIComponent(q)}`);
	expect(res.status).toBe(200);
	const body = (await res.json()) as { tracks: { id: string }[] };
	return body.tracks.map((t) => t.id);
}

beforeAll(async () => {
	me = await signUp();
	await track('blood', `Группа крови ${cyr}`, 'Кино');
	await track('yolka', `Ёлка ${cyr}`, 'Новогодний хор');
	await track('latin', `Blood Type ${lat}`, 'Kino');
});

describe('Cyrillic search', () => {
	it('folds case', async () => {
		expect(await search(`ГРУППА КРОВИ ${cyr.toUpperCase()}`)).toEqual([ids.blood]);
		expect(await search(`группа ${cyr}`)).toEqual([ids.blood]);
	});

	it('folds ё and е alike, both ways', async () => {
		expect(await search(`елка ${cyr}`)).toEqual([ids.yolka]);
		expect(await search(`ЁЛКА ${cyr}`)).toEqual([ids.yolka]);
	});

	it('"kino" finds «Кино»', async () => {
		const found = await search(`kino ${lat}`);
		expect(found).toContain(ids.blood);
		expect(found).toContain(ids.latin);
		expect(await search(`gruppa krovi ${lat}`)).toEqual([ids.blood]);
	});

	it('«Кино» finds "Kino"', async () => {
		const found = await search(`Кино ${cyr}`);
		expect(found).toContain(ids.latin);
		expect(found).toContain(ids.blood);
		expect(await search(`Blood ${cyr}`)).toEqual([ids.latin]);
	});
});
