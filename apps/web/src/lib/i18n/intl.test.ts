import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '@inlang/paraglide-js';
import {
	formatDate,
	formatDuration,
	formatNumber,
	formatRelative,
	pluralCategory
} from './intl.ts';

const NBSP = /[\u00a0\u202f]/g;
const plain = (s: string) => s.replace(NBSP, ' ');

describe('Intl helpers', () => {
	it('Russian plural categories: one / few / many', () => {
		const cases: [number, Intl.LDMLPluralRule][] = [
			[1, 'one'],
			[2, 'few'],
			[5, 'many'],
			[11, 'many'],
			[21, 'one'],
			[22, 'few'],
			[25, 'many'],
			[111, 'many'],
			[1.5, 'other']
		];
		for (const [n, category] of cases) expect(pluralCategory('ru', n), String(n)).toBe(category);
		expect(pluralCategory('en', 21)).toBe('other');
	});

	it('numbers and dates the way each language writes them', () => {
		expect(formatNumber('en', 1234567.5)).toBe('1,234,567.5');
		expect(plain(formatNumber('ru', 1234567.5))).toBe('1 234 567,5');
		const d = Date.UTC(2026, 11, 4, 12);
		expect(formatDate('en', d)).toBe('Dec 4, 2026');
		expect(plain(formatDate('ru', d))).toBe('4 дек. 2026 г.');
	});

	it('relative times and track lengths', () => {
		const now = Date.UTC(2026, 11, 4, 12);
		expect(formatRelative('en', now - 3 * 60_000, now)).toBe('3 minutes ago');
		expect(formatRelative('ru', now - 3 * 60_000, now)).toBe('3 минуты назад');
		expect(formatRelative('ru', now - 5 * 60_000, now)).toBe('5 минут назад');
		expect(formatRelative('ru', now - 86_400_000, now)).toBe('вчера');
		expect(formatDuration(185_000)).toBe('3:05');
		expect(formatDuration(3_723_000)).toBe('1:02:03');
	});
});

// The app's own plural messages (messages/*.json), compiled by Paraglide as the build does.
describe('plural messages', () => {
	let dir: string;
	let m: Record<string, (p: Record<string, unknown>, o?: { locale: string }) => string>;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'chorus-paraglide-'));
		const web = join(import.meta.dirname, '../../..');
		await compile({
			project: join(web, 'project.inlang'),
			outdir: dir,
			emitTsDeclarations: false
		});
		({ m } = await import(join(dir, 'messages.js')));
	}, 60_000);
	afterAll(() => rm(dir, { recursive: true, force: true }));

	it('Russian has three forms, English two', () => {
		const ru = (n: number) => m.members_count!({ count: n }, { locale: 'ru' });
		expect([1, 2, 5, 11, 21, 22, 25].map(ru)).toEqual([
			'1 участник',
			'2 участника',
			'5 участников',
			'11 участников',
			'21 участник',
			'22 участника',
			'25 участников'
		]);
		const en = (n: number) => m.members_count!({ count: n }, { locale: 'en' });
		expect([1, 2, 21].map(en)).toEqual(['1 member', '2 members', '21 members']);
	});

	it('every message has a Russian translation', async () => {
		const { default: en } = await import('../../../messages/en.json', { with: { type: 'json' } });
		const { default: ru } = await import('../../../messages/ru.json', { with: { type: 'json' } });
		expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
	});
});
