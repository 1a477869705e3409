import type { z } from 'zod';

export interface RouteSpec {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: string;
	summary: string;
	auth: boolean;
	body?: z.ZodType;
	responses: Record<number, { description: string; schema?: z.ZodType }>;
}

/** Declares a route's contract next to the route; the OpenAPI document is generated from these. */
export const defineRoutes = (...routes: RouteSpec[]) => routes;
