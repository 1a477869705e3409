// Plain module (no SvelteKit `$env`) so scripts and tests can build a store from any env object.
import { createLocalStore } from './local.ts';
import { createS3Store } from './s3.ts';
import type { BlobStore } from './types.ts';

export type { BlobStore, ByteRange } from './types.ts';
export type { S3StoreOptions } from './s3.ts';
export { createLocalStore } from './local.ts';
export { createS3Store } from './s3.ts';

/** Environment-style settings: plain strings, as found in process.env. */
export interface StorageEnv {
	/** `local` (default) or `s3`. */
	STORAGE_DRIVER?: string;
	/** Root directory of the local store; required for the local driver. */
	STORAGE_DIR?: string;
	S3_ENDPOINT?: string;
	S3_REGION?: string;
	S3_BUCKET?: string;
	S3_ACCESS_KEY_ID?: string;
	S3_SECRET_ACCESS_KEY?: string;
	/** `true`/`1` or `false`/`0`; defaults to true when S3_ENDPOINT is set (MinIO and friends). */
	S3_FORCE_PATH_STYLE?: string;
}

// Empty strings count as unset: `S3_ENDPOINT=` in an env file means "not configured".
const value = (v: string | undefined) =>
	v === undefined || v.trim() === '' ? undefined : v.trim();

function parseBool(name: string, raw: string | undefined, fallback: boolean): boolean {
	const v = value(raw)?.toLowerCase();
	if (v === undefined) return fallback;
	if (v === 'true' || v === '1') return true;
	if (v === 'false' || v === '0') return false;
	throw new Error(`${name} must be true, false, 1 or 0 (got ${JSON.stringify(raw)})`);
}

export function createBlobStore(env: StorageEnv): BlobStore {
	const driver = value(env.STORAGE_DRIVER) ?? 'local';
	if (driver === 'local') {
		const dir = value(env.STORAGE_DIR);
		if (!dir) throw new Error('STORAGE_DIR is required for STORAGE_DRIVER=local');
		return createLocalStore(dir);
	}
	if (driver !== 's3') {
		throw new Error(`STORAGE_DRIVER must be "local" or "s3" (got ${JSON.stringify(driver)})`);
	}
	const required = ['S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
	const missing = required.filter((name) => !value(env[name]));
	if (missing.length > 0) {
		throw new Error(`STORAGE_DRIVER=s3 needs these variables set: ${missing.join(', ')}`);
	}
	const endpoint = value(env.S3_ENDPOINT);
	return createS3Store({
		endpoint,
		region: value(env.S3_REGION)!,
		bucket: value(env.S3_BUCKET)!,
		accessKeyId: value(env.S3_ACCESS_KEY_ID)!,
		secretAccessKey: value(env.S3_SECRET_ACCESS_KEY)!,
		forcePathStyle: parseBool(
			'S3_FORCE_PATH_STYLE',
			env.S3_FORCE_PATH_STYLE,
			endpoint !== undefined
		)
	});
}
