import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_VALUES, payloadTooComplex } from './command.ts';

const nest = (depth: number, wrap: (inner: unknown) => unknown) => {
	let v: unknown = 'x';
	for (let i = 0; i < depth; i++) v = wrap(v);
	return v;
};

describe('payload bounds', () => {
	it('lets every real command shape through', () => {
		expect(
			payloadTooComplex({ roomId: 'r', mutationId: 'm', settings: { fairRotation: true } })
		).toBeNull();
		expect(payloadTooComplex(nest(MAX_PAYLOAD_DEPTH, (v) => ({ v })))).toBeNull();
		expect(payloadTooComplex(null)).toBeNull();
		expect(payloadTooComplex('a string')).toBeNull();
	});

	it('refuses deep nesting of objects, arrays and mixes, without recursion', () => {
		for (const wrap of [(v: unknown) => ({ v }), (v: unknown) => [v], (v: unknown) => [{ v }]]) {
			expect(payloadTooComplex(nest(MAX_PAYLOAD_DEPTH + 1, wrap))).toMatch(/nested deeper/);
			// Far deeper than any stack: answered, not thrown.
			expect(payloadTooComplex(nest(200_000, wrap))).toMatch(/nested deeper/);
		}
	});

	it('refuses too many values, however flat', () => {
		expect(payloadTooComplex(Array(MAX_PAYLOAD_VALUES).fill(0))).toMatch(/more than/);
		expect(
			payloadTooComplex({
				body: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [i, i]))
			})
		).toMatch(/more than/);
	});
});
