import { describe, expect, it } from 'vitest';
import { bytes } from './format.ts';

describe('bytes', () => {
	it.each([
		[0, '0 B'],
		[1023, '1023 B'],
		[1536, '1.5 KiB'],
		[5 * 1024 * 1024, '5.0 MiB'],
		[20 * 1024 ** 3, '20 GiB'],
		[2 ** 50, '1.0 PiB']
	])('%d -> %s', (n, text) => {
		expect(bytes(n)).toBe(text);
	});
});
