import { Readable } from 'node:stream';
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import { endpoint, methodNotAllowed, requireUser } from '$lib/server/api/http';
import { getStore } from '$lib/server/blobs';
import { getDb } from '$lib/server/db';

const notFound = () => new ApiError(404, 'NOT_FOUND', 'No avatar');

export const GET = endpoint(async (event) => {
	requireUser(event);
	const id = z.uuid().safeParse(event.params.id);
	if (!id.success) throw notFound();
	const user = await getDb().user.findUnique({
		where: { id: id.data },
		select: { avatarKey: true }
	});
	if (!user?.avatarKey) throw notFound();
	const body = await getStore()
		.read(user.avatarKey)
		.catch(() => {
			throw notFound();
		});
	return new Response(Readable.toWeb(body) as unknown as BodyInit, {
		headers: {
			'content-type': 'image/webp',
			// avatarUrl carries ?v=<updated at>: a new avatar is a new URL.
			'cache-control': 'private, max-age=31536000, immutable',
			'x-content-type-options': 'nosniff'
		}
	});
});

export const fallback = methodNotAllowed;
