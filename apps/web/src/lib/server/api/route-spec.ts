import { z } from 'zod';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HeaderSpec {
	description: string;
	schema?: z.ZodType;
}

export interface ResponseSpec {
	description: string;
	/** A JSON body (application/json). Error statuses default to the `{ error }` envelope. */
	schema?: z.ZodType;
	/** Media types of a binary body (audio, images), instead of JSON. */
	binary?: string[];
	headers?: Record<string, HeaderSpec>;
}

export interface RouteSpec {
	method: HttpMethod;
	/** OpenAPI form: `/api/v1/tracks/{id}` for the route folder `tracks/[id]`. */
	path: string;
	summary: string;
	auth: boolean;
	/** Unique and stable; derived from the method and path when left out. */
	operationId?: string;
	/** Derived from the path segment after /api/v1 when left out. */
	tags?: string[];
	/**
	 * Path parameters (a schema may name more than this path has: one per spec file is enough);
	 * each `{name}` of the path not named here is documented as a string.
	 */
	params?: z.ZodObject;
	/** Query parameters: the schema the handler validates the query with (readQuery). */
	query?: z.ZodObject;
	/** Request headers the route reads (Range, If-None-Match...). */
	headers?: z.ZodObject;
	/** A JSON request body. */
	body?: z.ZodType;
	/** A multipart/form-data body; file fields are `z.file()`. */
	multipart?: z.ZodObject;
	/** Media types accepted as the raw request body (images, audio). */
	rawBody?: string[];
	/** The body may be left out (readOptionalJson: no body counts as `{}`). */
	bodyOptional?: boolean;
	responses: Record<number, ResponseSpec>;
}

/** Declares a route's contract next to the route; the OpenAPI document is generated from these. */
export const defineRoutes = (...routes: RouteSpec[]) => routes;

/** Path parameters that are row ids (UUIDs). */
export const uuidParams = <const K extends string>(...names: K[]) =>
	z.object(Object.fromEntries(names.map((n) => [n, z.uuid()])) as Record<K, z.ZodUUID>);
