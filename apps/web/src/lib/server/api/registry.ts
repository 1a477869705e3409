import { z } from 'zod';
import type { HttpMethod, ResponseSpec, RouteSpec } from './route-spec.ts';

export const errorBodySchema = z.object({
	error: z.object({
		code: z.string(),
		message: z.string(),
		issues: z
			.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
			.optional()
	})
});

// Every route folder's `spec.ts` registers itself here.
const modules = import.meta.glob<{ routes: RouteSpec[] }>('/src/routes/api/v1/**/spec.ts', {
	eager: true
});

export function allRoutes(): RouteSpec[] {
	return Object.values(modules).flatMap((m) => m.routes);
}

/** What each tag (the path segment after /api/v1, by default) groups. */
export const TAGS: Record<string, string> = {
	auth: 'Signing up and in, second factor, password reset, email verification',
	me: 'The signed-in account: profile, avatar, email, password, sessions, 2FA, connections, likes',
	account: 'Guest accounts becoming full ones',
	tracks: 'Uploads: metadata, audio stream, cover, waveform, likes, listening sessions',
	plays: 'Listening sessions (play counting)',
	search: 'Library search and autocomplete',
	home: 'The home feed',
	genres: 'Browsing by genre',
	albums: 'Browsing by album',
	artists: 'Browsing by artist',
	playlists: 'Your playlists',
	rooms: 'Listening rooms and their invite links (live state is on the realtime socket)',
	invites: 'Invite links: preview and join',
	users: 'Other people: avatars',
	admin: 'Instance administration (admins only)',
	meta: 'Health and this document'
};

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
	// Inside an OpenAPI 3.1 document the dialect is the document's; `$schema` is noise.
	const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
	return rest;
};

const pascal = (s: string) =>
	s
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w[0]!.toUpperCase() + w.slice(1))
		.join('');

const pathParamNames = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

/** `GET /api/v1/tracks/{id}/stream` -> `getTracksByIdStream`: stable as long as the route is. */
export function operationIdOf(method: HttpMethod, path: string): string {
	const segments = path
		.replace(/^\/api\/v1\/?/, '')
		.split('/')
		.filter(Boolean)
		.map((s) => (s.startsWith('{') ? `By${pascal(s.slice(1, -1))}` : pascal(s)));
	return method.toLowerCase() + segments.join('');
}

export function tagsOf(r: RouteSpec): string[] {
	return r.tags ?? [r.path.replace(/^\/api\/v1\//, '').split('/')[0]!];
}

/** Parameters from a zod object: one per property, required unless optional or defaulted. */
function parametersOf(schema: z.ZodObject | undefined, where: 'query' | 'header' | 'path') {
	if (!schema) return [];
	const json = toSchema(schema, 'input') as {
		properties?: Record<string, JsonSchema>;
		required?: string[];
	};
	return Object.entries(json.properties ?? {}).map(([name, prop]) => {
		const { description, ...propSchema } = prop;
		return {
			name,
			in: where,
			required: where === 'path' || (json.required ?? []).includes(name),
			...(typeof description === 'string' ? { description } : {}),
			schema: propSchema
		};
	});
}

function pathParameters(r: RouteSpec) {
	const names = pathParamNames(r.path);
	// A route folder's specs may share one params schema naming more than one path has.
	const declared = parametersOf(r.params, 'path');
	return names.map(
		(name) =>
			declared.find((p) => p.name === name) ?? {
				name,
				in: 'path' as const,
				required: true,
				schema: { type: 'string' }
			}
	);
}

function requestBodyOf(r: RouteSpec) {
	const content: Record<string, unknown> = {};
	if (r.body) content['application/json'] = { schema: toSchema(r.body, 'input') };
	if (r.multipart) content['multipart/form-data'] = { schema: toSchema(r.multipart, 'input') };
	// Raw bytes: OpenAPI 3.1 describes a binary body by its media type alone.
	for (const type of r.rawBody ?? []) content[type] = {};
	if (Object.keys(content).length === 0) return undefined;
	return { required: !r.bodyOptional, content };
}

function responseOf(status: number, res: ResponseSpec) {
	const schema = res.schema ?? (status >= 400 && !res.binary ? errorBodySchema : undefined);
	const content: Record<string, unknown> = {};
	if (schema) content['application/json'] = { schema: toSchema(schema, 'output') };
	for (const type of res.binary ?? []) content[type] = {};
	const headers = Object.entries(res.headers ?? {}).map(([name, h]) => [
		name,
		{
			description: h.description,
			schema: h.schema ? toSchema(h.schema, 'output') : { type: 'string' }
		}
	]);
	return {
		description: res.description,
		...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
		...(Object.keys(content).length ? { content } : {})
	};
}

export function openApiDocument() {
	const paths: Record<string, Record<string, unknown>> = {};
	const operationIds = new Set<string>();
	for (const r of allRoutes()) {
		const operationId = r.operationId ?? operationIdOf(r.method, r.path);
		if (operationIds.has(operationId)) throw new Error(`Duplicate operationId ${operationId}`);
		operationIds.add(operationId);
		const parameters = [
			...pathParameters(r),
			...parametersOf(r.query, 'query'),
			...parametersOf(r.headers, 'header')
		];
		const requestBody = requestBodyOf(r);
		(paths[r.path] ??= {})[r.method.toLowerCase()] = {
			operationId,
			tags: tagsOf(r),
			summary: r.summary,
			// Public routes override the document-wide session requirement.
			security: r.auth ? [{ session: [] }] : [],
			...(parameters.length ? { parameters } : {}),
			...(requestBody ? { requestBody } : {}),
			responses: Object.fromEntries(
				Object.entries(r.responses).map(([status, res]) => [
					status,
					responseOf(Number(status), res)
				])
			)
		};
	}
	const used = new Set(allRoutes().flatMap(tagsOf));
	return {
		openapi: '3.1.0',
		info: {
			title: 'Chorus API',
			version: '1',
			description:
				'The JSON API of a Chorus instance. Sign in with POST /api/v1/auth/login (it sets the ' +
				'session cookie). Every non-GET request needs an Origin header of this instance. Errors ' +
				'are `{ "error": { "code", "message" } }`. Live room state (queue, playback, chat) is on ' +
				'the realtime socket: see /api/docs/realtime (AsyncAPI: /api/v1/asyncapi.json).'
		},
		servers: [{ url: '/', description: 'This instance' }],
		security: [{ session: [] }],
		tags: Object.entries(TAGS)
			.filter(([name]) => used.has(name))
			.map(([name, description]) => ({ name, description })),
		components: {
			securitySchemes: {
				session: {
					type: 'apiKey',
					in: 'cookie',
					name: 'chorus_session',
					description: 'The session cookie set by sign-in'
				}
			}
		},
		paths
	};
}
