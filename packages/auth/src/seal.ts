import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM for secrets we must read back (TOTP keys, provider tokens): a database dump alone
// does not reveal them. Layout: version byte | 12-byte IV | 16-byte tag | ciphertext.
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;

/** Parses SECRETS_KEY: 32 bytes as base64 (or base64url) or 64 hex characters. */
export function parseSecretsKey(value: string): Uint8Array<ArrayBuffer> {
	const trimmed = value.trim();
	const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
		? Buffer.from(trimmed, 'hex')
		: Buffer.from(trimmed, 'base64');
	if (bytes.byteLength !== SECRETS_KEY_BYTES)
		throw new Error(
			`must be ${SECRETS_KEY_BYTES} bytes (base64 or hex), e.g. openssl rand -base64 32`
		);
	return new Uint8Array(bytes);
}

export function seal(key: Uint8Array, plaintext: Uint8Array | string): Uint8Array<ArrayBuffer> {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
	const ct = Buffer.concat([cipher.update(data), cipher.final()]);
	return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ct]));
}

/** Throws when the data was not sealed with this key or was altered. */
export function unseal(key: Uint8Array, sealed: Uint8Array): Uint8Array<ArrayBuffer> {
	if (sealed.byteLength < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION)
		throw new Error('not a sealed value');
	const iv = sealed.subarray(1, 1 + IV_BYTES);
	const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
	const decipher = createDecipheriv('aes-256-gcm', key, iv);
	decipher.setAuthTag(tag);
	return new Uint8Array(
		Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()])
	);
}

export const unsealString = (key: Uint8Array, sealed: Uint8Array): string =>
	Buffer.from(unseal(key, sealed)).toString('utf8');
