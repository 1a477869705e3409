import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { ApiError } from '../api/errors.ts';
import { readBody } from '../api/http.ts';
import { getStore } from '../blobs.ts';
import { getDb } from '../db.ts';
import { logger } from '../logger.ts';
import { MAX_COVER_PIXELS, probeImage } from '../media/covers.ts';

/** Bigger uploads are refused with 413 before they are buffered. */
export const MAX_AVATAR_BYTES = 10 * 1024 * 1024;
/** Decoding is refused past this many pixels (decompression bombs): the cover limit, 40 MP. */
export const MAX_AVATAR_PIXELS = MAX_COVER_PIXELS;
export const AVATAR_SIZE_PX = 256;
const WEBP_QUALITY = 82;

/** Random per upload, so a changed avatar is a new object and the old one can be deleted. */
const avatarKey = (userId: string) => `avatars/${userId}/${randomBytes(12).toString('hex')}.webp`;

/** A square 256 px WebP, upright (EXIF orientation applied, metadata dropped). */
export async function renderAvatar(input: Buffer): Promise<Buffer> {
	if (input.length === 0) throw new ApiError(400, 'VALIDATION', 'Send an image');
	try {
		// Magic-byte sniffing (JPEG, PNG, WebP only) and the pixel limit, before any decoding.
		await probeImage(input);
		return await sharp(input, {
			limitInputPixels: MAX_AVATAR_PIXELS,
			failOn: 'error',
			autoOrient: true
		})
			.resize(AVATAR_SIZE_PX, AVATAR_SIZE_PX, { fit: 'cover', position: 'centre' })
			.webp({ quality: WEBP_QUALITY })
			.toBuffer();
	} catch (err) {
		const code = (err as { code?: string }).code;
		if (code === 'IMAGE_TOO_LARGE' || /pixel limit/i.test(String(err)))
			throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The image has too many pixels');
		throw new ApiError(
			415,
			'UNSUPPORTED_MEDIA_TYPE',
			'The avatar must be a JPEG, PNG or WebP image'
		);
	}
}

async function deleteObject(key: string | null): Promise<void> {
	if (!key) return;
	await getStore()
		.delete(key)
		.catch((err) => logger('avatars').warn({ err }, 'old avatar delete failed'));
}

/** Points the account at `key` (or none) and drops the object it pointed at before. */
async function swapAvatar(userId: string, key: string | null): Promise<Date | null> {
	const db = getDb();
	const before = await db.user.findUniqueOrThrow({
		where: { id: userId },
		select: { avatarKey: true }
	});
	const avatarUpdatedAt = key ? new Date() : null;
	await db.user.update({ where: { id: userId }, data: { avatarKey: key, avatarUpdatedAt } });
	await deleteObject(before.avatarKey);
	return avatarUpdatedAt;
}

/** Stores a new avatar and drops the previous object. */
export async function setAvatar(userId: string, input: Buffer): Promise<Date> {
	const webp = await renderAvatar(input);
	const key = avatarKey(userId);
	await getStore().putBuffer(key, webp, 'image/webp');
	return (await swapAvatar(userId, key))!;
}

export async function removeAvatar(userId: string): Promise<void> {
	await swapAvatar(userId, null);
}

/** Reads the upload: the raw body (image/*) or the `avatar` field of a multipart form. */
export async function readAvatarUpload(request: Request): Promise<Buffer> {
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > MAX_AVATAR_BYTES + 64 * 1024) throw tooLarge();
	const type = request.headers.get('content-type') ?? '';
	if (/^multipart\/form-data/i.test(type)) {
		// Bounded: a multipart body without Content-Length is read through the same limit.
		const raw = await readBody(request, MAX_AVATAR_BYTES + 64 * 1024);
		const form = await new Response(new Uint8Array(raw), {
			headers: { 'content-type': type }
		})
			.formData()
			.catch(() => {
				throw new ApiError(400, 'VALIDATION', 'Malformed multipart body');
			});
		const file = form.get('avatar');
		if (!(file instanceof Blob)) throw new ApiError(400, 'VALIDATION', 'Missing the avatar file');
		if (file.size > MAX_AVATAR_BYTES) throw tooLarge();
		return Buffer.from(await file.arrayBuffer());
	}
	return readBody(request, MAX_AVATAR_BYTES);
}

function tooLarge() {
	return new ApiError(
		413,
		'PAYLOAD_TOO_LARGE',
		`The image is larger than ${MAX_AVATAR_BYTES} bytes`
	);
}
