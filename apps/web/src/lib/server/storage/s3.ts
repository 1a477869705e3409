import {
	DeleteObjectCommand,
	GetObjectCommand,
	HeadBucketCommand,
	HeadObjectCommand,
	PutObjectCommand,
	S3Client
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertValidKey, assertValidRange, notFound, unsatisfiable } from './local.ts';
import type { BlobStore, ByteRange } from './types.ts';

export interface S3StoreOptions {
	/** Omit for AWS itself; set for MinIO, R2, Garage, etc. */
	endpoint?: string;
	region: string;
	bucket: string;
	accessKeyId: string;
	secretAccessKey: string;
	forcePathStyle: boolean;
}

const PUT_ATTEMPTS = 3;

interface SdkError {
	name?: string;
	code?: string;
	$metadata?: { httpStatusCode?: number };
}

const statusOf = (err: unknown) => (err as SdkError | null)?.$metadata?.httpStatusCode;

const isNotFound = (err: unknown) => {
	const name = (err as SdkError | null)?.name;
	return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
};

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

function isTransient(err: unknown): boolean {
	const e = (err ?? {}) as SdkError;
	const status = statusOf(err);
	if (status !== undefined) {
		return status >= 500 || status === 429 || e.name === 'RequestTimeout' || e.name === 'SlowDown';
	}
	return e.name === 'TimeoutError' || NETWORK_CODES.has(e.code ?? '');
}

/** True when `Content-Range` covers exactly the requested range (its end clamped to the size). */
function servedExactly(range: ByteRange, contentRange: string | undefined): boolean {
	const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
	if (!m) return false;
	const [start, end, size] = [Number(m[1]), Number(m[2]), m[3] === '*' ? Infinity : Number(m[3])];
	return start === range.start && end === Math.min(range.end, size - 1);
}

export function createS3Store(opts: S3StoreOptions): BlobStore {
	const { bucket } = opts;
	const client = new S3Client({
		endpoint: opts.endpoint,
		region: opts.region,
		forcePathStyle: opts.forcePathStyle,
		credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
		// The default (aws-chunked bodies with trailing checksums) is not understood by many
		// S3-compatible servers and would end up stored inside the object.
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED'
	});

	return {
		kind: 's3',

		async putFile(key, filePath, contentType) {
			assertValidKey(key);
			const { size } = await stat(filePath);
			// The SDK never retries a streamed body (it cannot rewind it), so retry here with a
			// fresh stream for each attempt.
			for (let attempt = 1; ; attempt++) {
				const body = createReadStream(filePath);
				try {
					await client.send(
						new PutObjectCommand({
							Bucket: bucket,
							Key: key,
							Body: body,
							ContentLength: size,
							ContentType: contentType
						})
					);
					break;
				} catch (err) {
					body.destroy();
					if (attempt >= PUT_ATTEMPTS || !isTransient(err)) throw err;
					await sleep(200 * 4 ** (attempt - 1) * (0.5 + Math.random()));
				}
			}
			await rm(filePath, { force: true });
		},

		async putBuffer(key, data, contentType) {
			assertValidKey(key);
			await client.send(
				new PutObjectCommand({
					Bucket: bucket,
					Key: key,
					Body: data,
					ContentLength: data.byteLength,
					ContentType: contentType
				})
			);
		},

		async stat(key) {
			assertValidKey(key);
			try {
				const res = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
				return { size: res.ContentLength ?? 0 };
			} catch (err) {
				if (isNotFound(err)) return null;
				throw err;
			}
		},

		async read(key, range) {
			assertValidKey(key);
			if (range) assertValidRange(range);
			let res;
			try {
				res = await client.send(
					new GetObjectCommand({
						Bucket: bucket,
						Key: key,
						Range: range ? `bytes=${range.start}-${range.end}` : undefined
					})
				);
			} catch (err) {
				if (isNotFound(err)) throw notFound(key, err);
				if (statusOf(err) === 416) throw unsatisfiable(key, range ?? { start: 0, end: 0 }, err);
				throw err;
			}
			const body = res.Body;
			if (!(body instanceof Readable)) {
				throw new Error(`S3 returned no readable body for ${key}`);
			}
			// A server that ignored or misread Range would send other bytes than the ones asked for.
			if (range && !servedExactly(range, res.ContentRange)) {
				body.destroy();
				throw new Error(
					`S3 answered bytes=${range.start}-${range.end} of ${key} with ${res.ContentRange ?? 'the whole object'}`
				);
			}
			return body;
		},

		// Signed locally (no request to S3): the signature covers the key, the response type
		// override and the expiry, so a client can neither widen nor extend it.
		async presignGet(key, { contentType, expiresInSec }) {
			assertValidKey(key);
			return getSignedUrl(
				client,
				new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentType: contentType }),
				{ expiresIn: expiresInSec }
			);
		},

		async delete(key) {
			assertValidKey(key);
			try {
				await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
			} catch (err) {
				if (!isNotFound(err)) throw err;
			}
		},

		// The bucket answers with these credentials (a missing bucket or a refused key is a 404/403).
		async probe() {
			await client.send(new HeadBucketCommand({ Bucket: bucket }));
		}
	};
}
