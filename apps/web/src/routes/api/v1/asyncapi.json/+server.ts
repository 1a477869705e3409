import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/api/http';
import { asyncApiDocument } from '$lib/server/api/realtime-docs';

export const GET = endpoint(() => json(asyncApiDocument()));
