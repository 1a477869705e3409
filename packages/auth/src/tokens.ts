import { createHash, getRandomValues, timingSafeEqual } from 'node:crypto';

// a-z and 2-9 without l, o, 0, 1: readable, and 32 symbols = 5 bits each (Lucia guide).
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
export const RANDOM_STRING_LENGTH = 24; // 24 * 5 = 120 bits
const PART_RE = new RegExp(`^[${ALPHABET}]{${RANDOM_STRING_LENGTH}}$`);

export function generateSecureRandomString(): string {
	const bytes = new Uint8Array(RANDOM_STRING_LENGTH);
	getRandomValues(bytes);
	let out = '';
	for (const b of bytes) out += ALPHABET[b >> 3];
	return out;
}

export function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
	return new Uint8Array(createHash('sha256').update(secret).digest());
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
	// Length is not secret (always 32 bytes for SHA-256); the content comparison is.
	return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

export interface ParsedToken {
	id: string;
	secret: string;
}

/** Splits "<id>.<secret>"; null for anything malformed, before any database work. */
export function parseSessionToken(token: string | undefined | null): ParsedToken | null {
	if (typeof token !== 'string' || token.length !== RANDOM_STRING_LENGTH * 2 + 1) return null;
	const [id, secret, ...rest] = token.split('.');
	if (rest.length > 0 || !id || !secret || !PART_RE.test(id) || !PART_RE.test(secret)) return null;
	return { id, secret };
}
