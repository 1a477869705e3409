import type { Readable } from 'node:stream';

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
	start: number;
	end: number;
}

/**
 * Where blobs live: content-addressed keys such as `audio/<sha256>` or
 * `covers/<sha256>/<variant>.webp`. Implementations: local disk and S3-compatible.
 * Keys are produced by our code only (never from user input) and use [a-z0-9/._-].
 */
export interface BlobStore {
	readonly kind: 'local' | 's3';
	/**
	 * Stores a finished local file under `key` and removes the local file. Atomic: a reader sees
	 * either nothing or the whole object. Storing a key that already exists is allowed (the
	 * content is the same by construction) and must not fail when two callers race.
	 */
	putFile(key: string, filePath: string, contentType: string): Promise<void>;
	/** Stores a small in-memory object (covers, placeholders). Same atomicity as putFile. */
	putBuffer(key: string, data: Uint8Array, contentType: string): Promise<void>;
	/** Size in bytes, or null when the key does not exist. */
	stat(key: string): Promise<{ size: number } | null>;
	/** Streams the object, or one inclusive byte range of it. Rejects if the key does not exist. */
	read(key: string, range?: ByteRange): Promise<Readable>;
	/**
	 * Where the object sits on this machine's disk, for tools that need a file (ffmpeg); only
	 * the local driver has one. Callers must treat the file as read-only.
	 */
	localPath?(key: string): string;
	/**
	 * A URL that lets anyone holding it GET the object (Range included) until it expires; only
	 * the S3 driver has one. `contentType` is what the object is answered with.
	 */
	presignGet?(key: string, opts: { contentType: string; expiresInSec: number }): Promise<string>;
	/** Removes the object; removing a missing key is not an error. */
	delete(key: string): Promise<void>;
	/** Rejects unless the store can take writes now (readiness: local dir writable, bucket reachable). */
	probe(): Promise<void>;
}
