import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from './types.ts';

// Segments may not start with a dot: that rules out `.`/`..` and keeps our `.tmp` names apart.
const KEY = /^[a-z0-9_-][a-z0-9._-]*(?:\/[a-z0-9_-][a-z0-9._-]*)*$/;

/** Keys come from our code, but a bad one must never escape the store's root or bucket prefix. */
export function assertValidKey(key: string): void {
	if (key.length > 512 || !KEY.test(key))
		throw new Error(`Invalid blob key: ${JSON.stringify(key)}`);
}

export function assertValidRange(range: ByteRange): void {
	const { start, end } = range;
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
		throw new RangeError(`Invalid byte range ${start}-${end}`);
	}
}

export function notFound(key: string, cause?: unknown): Error {
	return Object.assign(new Error(`Blob not found: ${key}`, { cause }), { code: 'ENOENT' });
}

export function unsatisfiable(key: string, range: ByteRange, cause?: unknown): Error {
	return Object.assign(
		new Error(`Range ${range.start}-${range.end} is outside blob ${key}`, { cause }),
		{ code: 'ERANGE' }
	);
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code;

// ENOTDIR: a path segment of the key is a file, so the object cannot exist either.
const isMissing = (err: unknown) => errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR';

const tempName = (dest: string) => join(dirname(dest), `.${basename(dest)}.${randomUUID()}.tmp`);

async function fsyncFile(path: string): Promise<void> {
	const handle = await open(path, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}

// Makes the rename itself durable; not every platform can fsync a directory, hence best effort.
async function fsyncDir(dir: string): Promise<void> {
	try {
		const handle = await open(dir, 'r');
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	} catch {
		// best effort
	}
}

export function createLocalStore(rootDir: string): BlobStore {
	const pathOf = (key: string) => {
		assertValidKey(key);
		return join(rootDir, key);
	};

	return {
		kind: 'local',

		localPath: pathOf,

		async putFile(key, filePath) {
			const dest = pathOf(key);
			await mkdir(dirname(dest), { recursive: true });
			// Flush the data before the rename publishes it, so a crash cannot leave a short object.
			await fsyncFile(filePath);
			try {
				await rename(filePath, dest);
			} catch (err) {
				if (errCode(err) !== 'EXDEV') throw err;
				const tmp = tempName(dest);
				try {
					await copyFile(filePath, tmp);
					await fsyncFile(tmp);
					await rename(tmp, dest);
				} catch (copyErr) {
					await rm(tmp, { force: true });
					throw copyErr;
				}
				await rm(filePath, { force: true });
			}
			await fsyncDir(dirname(dest));
		},

		async putBuffer(key, data) {
			const dest = pathOf(key);
			await mkdir(dirname(dest), { recursive: true });
			const tmp = tempName(dest);
			try {
				const handle = await open(tmp, 'wx');
				try {
					await handle.writeFile(data);
					await handle.sync();
				} finally {
					await handle.close();
				}
				await rename(tmp, dest);
			} catch (err) {
				await rm(tmp, { force: true });
				throw err;
			}
			await fsyncDir(dirname(dest));
		},

		async stat(key) {
			try {
				const s = await stat(pathOf(key));
				return s.isFile() ? { size: s.size } : null;
			} catch (err) {
				if (isMissing(err)) return null;
				throw err;
			}
		},

		async read(key, range): Promise<Readable> {
			const path = pathOf(key);
			if (range) assertValidRange(range);
			// Opening up front turns a missing key into a rejection instead of a later stream error.
			let handle;
			try {
				handle = await open(path, 'r');
			} catch (err) {
				throw isMissing(err) ? notFound(key, err) : err;
			}
			try {
				const s = await handle.stat();
				if (!s.isFile()) throw notFound(key);
				if (range && range.start >= s.size) throw unsatisfiable(key, range);
			} catch (err) {
				await handle.close();
				throw err;
			}
			// The stream owns the handle from here on and closes it when it ends or is destroyed.
			// 256 KiB reads: a typical player range in one or two syscalls instead of four.
			const chunk = { highWaterMark: 256 * 1024 };
			return handle.createReadStream(
				range ? { ...chunk, start: range.start, end: range.end } : chunk
			);
		},

		async delete(key) {
			try {
				await unlink(pathOf(key));
			} catch (err) {
				if (!isMissing(err)) throw err;
			}
		},

		// Writes and removes a file: a read-only mount, a full disk or a path that is not a
		// directory all fail here, whoever the process runs as (root ignores mode bits).
		async probe() {
			await mkdir(rootDir, { recursive: true });
			const file = join(rootDir, `.probe.${randomUUID()}.tmp`);
			try {
				await writeFile(file, 'ok');
			} finally {
				await rm(file, { force: true });
			}
		}
	};
}
