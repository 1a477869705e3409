// An in-process fake S3 (s3rver) for integration tests, with a hook to make uploads fail.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

// s3rver ships no types; this is the part of its API used here.
interface S3rverApp {
	configureBuckets(): Promise<void>;
	callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
interface StoredObject {
	content: Readable | null;
	range?: { start: number; end: number };
}
interface FilesystemStore {
	getResourcePath(bucket: string, key: string, resource: string): string;
	getObject(
		bucket: string,
		key: string,
		options?: { start?: number; end?: number }
	): Promise<StoredObject | null>;
}

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverApp;

// s3rver 3.7 reads the range end as `end || Infinity`, so `bytes=0-0` got the whole object back
// (with a Content-Range claiming so). Real S3 sends one byte; make the fake do the same.
const store = (require('s3rver/lib/stores/filesystem') as { prototype: FilesystemStore }).prototype;
const getObject = store.getObject;
if (!(getObject as { patched?: boolean }).patched) {
	store.getObject = Object.assign(
		async function (this: FilesystemStore, ...args: Parameters<FilesystemStore['getObject']>) {
			const [bucket, key, options] = args;
			const object = await getObject.apply(this, args);
			if (options?.end === 0 && object?.content && object.range?.start === 0) {
				object.content.destroy();
				const path = this.getResourcePath(bucket, key, 'object');
				object.content = createReadStream(path, { start: 0, end: 0 });
				object.range.end = 0;
			}
			return object;
		},
		{ patched: true }
	);
}

export interface StartedS3rver {
	endpoint: string;
	bucket: string;
	region: string;
	accessKeyId: string;
	secretAccessKey: string;
	/** The next `count` PUT requests are answered with `status` (after reading their body). */
	failPuts(count: number, status?: number): void;
	/** PUT requests failed so far by failPuts. */
	failedPuts(): number;
	stop(): Promise<void>;
}

export async function startS3rver(bucket = 'test-bucket'): Promise<StartedS3rver> {
	const directory = await mkdtemp(join(tmpdir(), 'chorus-s3rver-'));
	const app = new S3rver({ silent: true, directory, configureBuckets: [{ name: bucket }] });
	await app.configureBuckets();
	const handle = app.callback();

	let toFail = 0;
	let failStatus = 503;
	let failed = 0;
	const server = createServer((req, res) => {
		if (req.method === 'PUT' && toFail > 0) {
			toFail--;
			failed++;
			req.resume();
			req.on('end', () => {
				res.writeHead(failStatus, { 'content-type': 'application/xml' });
				const code = failStatus === 503 ? 'ServiceUnavailable' : 'AccessDenied';
				res.end(`<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>${code}</Code><Message>injected by the test</Message></Error>`);
			});
			return;
		}
		handle(req, res);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as { port: number };

	return {
		endpoint: `http://127.0.0.1:${port}`,
		bucket,
		region: 'us-east-1',
		// s3rver checks signatures against this fixed pair.
		accessKeyId: 'S3RVER',
		secretAccessKey: 'S3RVER',
		failPuts(count, status = 503) {
			toFail = count;
			failStatus = status;
		},
		failedPuts: () => failed,
		async stop() {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await rm(directory, { recursive: true, force: true });
		}
	};
}
