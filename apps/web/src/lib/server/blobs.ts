import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getEnv } from './env.ts';
import { createBlobStore, type BlobStore } from './storage/index.ts';

let store: BlobStore | undefined;

export function dataDir(): string {
	return resolve(getEnv().DATA_DIR);
}

/** Temp files live next to the local blob store so a finished upload is moved in with rename(2). */
export function tmpDir(): string {
	const dir = join(dataDir(), 'tmp');
	mkdirSync(dir, { recursive: true });
	return dir;
}

export function getStore(): BlobStore {
	const env = getEnv();
	store ??= createBlobStore({
		STORAGE_DRIVER: env.STORAGE_DRIVER,
		STORAGE_DIR: join(dataDir(), 'blobs'),
		S3_ENDPOINT: env.S3_ENDPOINT,
		S3_REGION: env.S3_REGION,
		S3_BUCKET: env.S3_BUCKET,
		S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
		S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
		S3_FORCE_PATH_STYLE: String(env.S3_FORCE_PATH_STYLE)
	});
	return store;
}

export const audioKey = (sha256: string) => `audio/${sha256}`;
export const coverKey = (sha256: string, size: string) => `covers/${sha256}/${size}.webp`;
