import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/api/http';
import { openApiDocument } from '$lib/server/api/registry';

export const GET = endpoint(() => json(openApiDocument()));
