import busboy from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../api/errors.ts';
import { tmpDir } from '../blobs.ts';

/** Room for the multipart envelope around the file when judging Content-Length up front. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface ReceivedFile {
	path: string;
	sha256: string;
	size: number;
	filename: string;
	/** Removes the temp file (no-op once it was moved into storage). */
	discard(): Promise<void>;
}

const tooLarge = (maxBytes: number) =>
	new ApiError(
		413,
		'PAYLOAD_TOO_LARGE',
		`The file is larger than the ${Math.floor(maxBytes / 1048576)} MiB limit`
	);

/**
 * Streams the multipart field `file` to a temp file, hashing as it goes: the body is never held
 * in memory, and reading stops as soon as the size limit is crossed.
 */
export async function receiveFile(request: Request, maxBytes: number): Promise<ReceivedFile> {
	const contentType = request.headers.get('content-type') ?? '';
	if (!/^multipart\/form-data\s*;/i.test(contentType)) {
		throw new ApiError(
			415,
			'UNSUPPORTED_MEDIA_TYPE',
			'Upload the audio as multipart/form-data, field "file"'
		);
	}
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES)
		throw tooLarge(maxBytes);
	if (!request.body) throw new ApiError(400, 'VALIDATION', 'The request has no body');

	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': contentType },
			limits: { files: 1, fileSize: maxBytes, fields: 16, parts: 17, fieldSize: 4096 }
		});
	} catch {
		throw new ApiError(400, 'VALIDATION', 'Malformed multipart request');
	}

	const path = join(tmpDir(), `upload-${randomUUID()}`);
	const discard = () => rm(path, { force: true });
	const body = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream);

	let written: Promise<ReceivedFile> | undefined;
	let fileStream: Readable | undefined;
	try {
		return await new Promise<ReceivedFile>((resolve, reject) => {
			const fail = (err: unknown) => {
				// Stop reading the request and the file part: no more bytes are accepted.
				fileStream?.destroy();
				body.destroy();
				reject(err);
			};
			parser.on('file', (name, stream, info) => {
				if (name !== 'file' || written) {
					stream.resume(); // other parts are ignored
					return;
				}
				fileStream = stream;
				const hash = createHash('sha256');
				let size = 0;
				const count = new Transform({
					transform(chunk: Buffer, _enc, cb) {
						hash.update(chunk);
						size += chunk.length;
						cb(null, chunk);
					}
				});
				stream.once('limit', () => fail(tooLarge(maxBytes)));
				written = pipeline(stream, count, createWriteStream(path)).then(() => ({
					path,
					sha256: hash.digest('hex'),
					size,
					filename: info.filename ?? '',
					discard
				}));
				written.catch(fail);
			});
			parser.once('error', () =>
				fail(new ApiError(400, 'VALIDATION', 'Malformed multipart request'))
			);
			parser.once('close', () => {
				if (!written)
					return fail(
						new ApiError(400, 'VALIDATION', 'Attach the audio as the multipart field "file"')
					);
				written.then(
					(f) =>
						f.size === 0 ? fail(new ApiError(400, 'VALIDATION', 'The file is empty')) : resolve(f),
					fail
				);
			});
			body.once('error', () => fail(new ApiError(400, 'VALIDATION', 'The upload was interrupted')));
			body.pipe(parser);
		});
	} catch (err) {
		// Wait for the write stream to close before removing its file, or it could come back.
		await written?.catch(() => {});
		await discard();
		throw err;
	}
}
