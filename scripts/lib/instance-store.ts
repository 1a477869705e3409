// The blob store of this instance, configured as the web app configures its own (apps/web
// src/lib/server/blobs.ts): STORAGE_DRIVER, DATA_DIR (local blobs under DATA_DIR/blobs), S3_*.
import { join, resolve } from 'node:path';
import { createBlobStore, type BlobStore } from '../../apps/web/src/lib/server/storage/index.ts';
import { repoRoot } from './postgres.ts';

export function instanceStore(env: NodeJS.ProcessEnv = process.env): BlobStore {
	// The default is pnpm dev's: .data at the repository root.
	const dataDir = resolve(env.DATA_DIR ?? join(repoRoot, '.data'));
	return createBlobStore({ ...env, STORAGE_DIR: join(dataDir, 'blobs') });
}
