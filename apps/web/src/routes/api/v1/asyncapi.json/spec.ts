import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/asyncapi.json',
	summary:
		'The realtime protocol (Socket.IO events, payloads, acks) as an AsyncAPI 3.1 document, generated from packages/protocol; rendered at /api/docs/realtime',
	auth: false,
	operationId: 'getAsyncApiDocument',
	tags: ['meta'],
	responses: {
		200: {
			description: 'The AsyncAPI document',
			schema: z.looseObject({ asyncapi: z.string(), operations: z.record(z.string(), z.unknown()) })
		}
	}
});
