import { z } from 'zod';
import { defineRoutes } from '$lib/server/api/route-spec';

export const routes = defineRoutes({
	method: 'GET',
	path: '/api/v1/openapi.json',
	summary: 'This document (OpenAPI 3.1), generated from the route schemas; rendered at /api/docs',
	auth: false,
	operationId: 'getOpenApiDocument',
	tags: ['meta'],
	responses: {
		200: {
			description: 'The OpenAPI document',
			schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) })
		}
	}
});
