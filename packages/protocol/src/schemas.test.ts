import { describe, expect, it } from 'vitest';
import { clockPingSchema, displayNameSchema, emailSchema, passwordSchema } from './schemas.ts';

describe('field schemas', () => {
	it('normalises email case and whitespace', () => {
		expect(emailSchema.parse('  Ann@Example.COM ')).toBe('ann@example.com');
		expect(emailSchema.safeParse('not-an-email').success).toBe(false);
		expect(emailSchema.safeParse(`${'a'.repeat(250)}@x.io`).success).toBe(false);
	});

	it('accepts passwords of 8..256 characters only', () => {
		expect(passwordSchema.safeParse('1234567').success).toBe(false);
		expect(passwordSchema.safeParse('12345678').success).toBe(true);
		expect(passwordSchema.safeParse('x'.repeat(256)).success).toBe(true);
		expect(passwordSchema.safeParse('x'.repeat(257)).success).toBe(false);
	});

	it('trims display names and rejects empty, long and control characters', () => {
		expect(displayNameSchema.parse('  DJ Ann ')).toBe('DJ Ann');
		expect(displayNameSchema.safeParse('   ').success).toBe(false);
		expect(displayNameSchema.safeParse('x'.repeat(65)).success).toBe(false);
		expect(displayNameSchema.safeParse('evil\u202Eeman').success).toBe(false);
		expect(displayNameSchema.safeParse('new\nline').success).toBe(false);
		expect(displayNameSchema.parse('Zoë 🎧')).toBe('Zoë 🎧');
	});

	it('clock:ping is strict', () => {
		expect(clockPingSchema.safeParse({ t0: 1.5 }).success).toBe(true);
		expect(clockPingSchema.safeParse({ t0: 1, extra: 1 }).success).toBe(false);
		expect(clockPingSchema.safeParse({ t0: Infinity }).success).toBe(false);
		expect(clockPingSchema.safeParse({ t0: '1' }).success).toBe(false);
	});
});
