import { z } from 'zod';
import type { RouteSpec } from './route-spec.ts';

export const errorBodySchema = z.object({
	error: z.object({ code: z.string(), message: z.string() })
});

// Every route folder's `spec.ts` registers itself here.
const modules = import.meta.glob<{ routes: RouteSpec[] }>('/src/routes/api/v1/**/spec.ts', {
	eager: true
});

export function allRoutes(): RouteSpec[] {
	return Object.values(modules).flatMap((m) => m.routes);
}

export function openApiDocument() {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const r of allRoutes()) {
		const responses: Record<string, unknown> = {};
		for (const [status, res] of Object.entries(r.responses)) {
			const schema = res.schema ?? (Number(status) >= 400 ? errorBodySchema : undefined);
			responses[status] = {
				description: res.description,
				...(schema
					? {
							content: {
								'application/json': {
									schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' })
								}
							}
						}
					: {})
			};
		}
		(paths[r.path] ??= {})[r.method.toLowerCase()] = {
			summary: r.summary,
			...(r.auth ? { security: [{ session: [] }] } : {}),
			...(r.body
				? {
						requestBody: {
							required: true,
							content: {
								'application/json': {
									schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' })
								}
							}
						}
					}
				: {}),
			responses
		};
	}
	return {
		openapi: '3.1.0',
		info: { title: 'Chorus API', version: '1' },
		components: {
			securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'chorus_session' } }
		},
		paths
	};
}
