import { describe, expect, it } from 'vitest';
import { otherScript } from './translit.ts';

describe('otherScript', () => {
	it('carries a query over to the other script', () => {
		expect(otherScript('kino')).toBe('кино');
		expect(otherScript('Кино')).toBe('Kino');
		expect(otherScript('gruppa krovi')).toBe('группа крови');
		expect(otherScript('Группа крови')).toBe('Gruppa krovi');
	});
	it('leaves queries without letters alone', () => {
		expect(otherScript('1984')).toBeNull();
		expect(otherScript('')).toBeNull();
	});
});
