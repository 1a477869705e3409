import { createConfig, lintFromString } from '@redocly/openapi-core';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import asyncapi from '@chorus/protocol/asyncapi.json';
import { CLIENT_EVENTS } from '@chorus/protocol';
import { api } from './api-client.ts';

const API_DIR = fileURLToPath(new URL('../src/routes/api/v1', import.meta.url));
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every `+server.ts` under routes/api/v1 with the methods it exports, as OpenAPI path + method. */
async function servedOperations(): Promise<string[]> {
	const files = (await readdir(API_DIR, { recursive: true }))
		.filter((f) => f.endsWith(`${sep}+server.ts`) || f === '+server.ts')
		.map((f) => join(API_DIR, f));
	const ops: string[] = [];
	for (const file of files) {
		const source = await readFile(file, 'utf8');
		const path =
			'/api/v1/' +
			relative(API_DIR, file)
				.split(sep)
				.slice(0, -1)
				.map((s) => s.replace(/^\[(.+)\]$/, '{$1}'))
				.join('/');
		for (const m of METHODS) {
			if (new RegExp(`^export (const|async function|function) ${m}\\b`, 'm').test(source)) {
				ops.push(`${m} ${path}`);
			}
		}
	}
	return ops.sort();
}

async function document() {
	const res = await api('/api/v1/openapi.json');
	expect(res.status).toBe(200);
	return res.body as {
		paths: Record<string, Record<string, { operationId: string; tags: string[] } & any>>;
		tags: { name: string }[];
	};
}

describe('OpenAPI document', () => {
	it('passes the Redocly linter (recommended rules) with no problem at all', async () => {
		const doc = await document();
		const config = await createConfig({
			extends: ['recommended-strict'],
			// The project has chosen no license to state.
			rules: { 'info-license': 'off' }
		});
		const problems = await lintFromString({
			source: JSON.stringify(doc),
			absoluteRef: 'openapi.json',
			config
		});
		// These cannot fail for a caller: no 4xx to document.
		const no4xx = ['/api/v1/health', '/api/v1/openapi.json', '/api/v1/asyncapi.json'].map(
			(p) => `#/paths/${p.replaceAll('/', '~1')}/get/responses`
		);
		const described = problems
			.filter(
				(p) => !(p.ruleId === 'operation-4xx-response' && no4xx.includes(p.location[0]!.pointer!))
			)
			.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
		expect(described).toEqual([]);
	});

	it('documents every method every +server.ts under api/v1 exports, and nothing else', async () => {
		const doc = await document();
		const documented = Object.entries(doc.paths)
			.flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
			.sort();
		const served = await servedOperations();
		expect(served.length).toBeGreaterThan(80);
		// HEAD is documented where it is served; GETs SvelteKit answers HEAD for need not be.
		expect(documented.filter((op) => !served.includes(op))).toEqual([]);
		expect(served.filter((op) => !documented.includes(op))).toEqual([]);
	});

	it('gives each operation a unique operationId and a declared tag', async () => {
		const doc = await document();
		const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
		const ids = ops.map((o) => o.operationId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toContain('getTracksByIdStream');
		const declared = new Set(doc.tags.map((t) => t.name));
		for (const op of ops) expect(op.tags.every((t: string) => declared.has(t))).toBe(true);
	});

	it('documents path and query parameters from the schemas the handlers validate with', async () => {
		const doc = await document();
		const search = doc.paths['/api/v1/search']!.get;
		const byName = Object.fromEntries(search.parameters.map((p: any) => [p.name, p]));
		expect(Object.keys(byName)).toEqual(
			expect.arrayContaining(['q', 'genre', 'sort', 'cursor', 'limit', 'room'])
		);
		expect(byName.q).toMatchObject({ in: 'query', required: false });
		expect(byName.q.schema).toMatchObject({ type: 'string', maxLength: 200 });
		expect(byName.sort.schema.enum).toEqual(
			expect.arrayContaining(['relevance', 'newest', 'most_played', 'most_liked'])
		);
		const suggest = doc.paths['/api/v1/search/suggest']!.get.parameters;
		expect(suggest).toEqual([expect.objectContaining({ name: 'q', in: 'query', required: true })]);
		const users = doc.paths['/api/v1/admin/users']!.get.parameters.map((p: any) => p.name);
		expect(users).toEqual(expect.arrayContaining(['q', 'page', 'filter']));
		const item = doc.paths['/api/v1/playlists/{id}/items/{itemId}']!.delete.parameters;
		expect(item.map((p: any) => [p.name, p.in, p.required])).toEqual([
			['id', 'path', true],
			['itemId', 'path', true]
		]);
		expect(item.map((p: any) => p.schema.format)).toEqual(['uuid', 'uuid']);
		// Not a UUID: a path parameter nobody declared is a plain string.
		const artist = doc.paths['/api/v1/artists/{name}']!.get.parameters;
		expect(artist).toEqual([
			{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }
		]);
		const cover = doc.paths['/api/v1/tracks/{id}/cover']!.get.parameters;
		expect(cover).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					name: 'size',
					in: 'query',
					schema: expect.objectContaining({ enum: ['sm', 'md', 'lg'], default: 'md' })
				})
			])
		);
	});

	it('documents the upload body, the audio stream with its ranges, and images', async () => {
		const doc = await document();
		const upload = doc.paths['/api/v1/tracks']!.post.requestBody;
		const form = upload.content['multipart/form-data'].schema;
		expect(form.required).toEqual(['file']);
		expect(form.properties.file).toMatchObject({ type: 'string', format: 'binary' });

		const stream = doc.paths['/api/v1/tracks/{id}/stream']!;
		expect(Object.keys(stream.get.responses)).toEqual(
			expect.arrayContaining(['200', '206', '304', '416'])
		);
		expect(Object.keys(stream.get.responses['206'].content)).toContain('audio/mpeg');
		expect(Object.keys(stream.get.responses['206'].headers)).toEqual(
			expect.arrayContaining(['Content-Range', 'Accept-Ranges', 'ETag'])
		);
		expect(stream.get.responses['416'].headers).toHaveProperty('Content-Range');
		expect(stream.get.parameters.map((p: any) => `${p.in} ${p.name}`)).toEqual(
			expect.arrayContaining(['header Range', 'header If-Range', 'header If-None-Match'])
		);
		expect(stream.head.operationId).toBe('headTracksByIdStream');

		expect(doc.paths['/api/v1/tracks/{id}/cover']!.get.responses['200'].content).toHaveProperty(
			'image/webp'
		);
		expect(Object.keys(doc.paths['/api/v1/tracks/{id}/cover']!.put.requestBody.content)).toEqual([
			'image/jpeg',
			'image/png',
			'image/webp'
		]);
		const avatar = doc.paths['/api/v1/me/avatar']!.post.requestBody.content;
		expect(avatar['multipart/form-data'].schema.properties.avatar.format).toBe('binary');
	});

	it('marks public routes as needing no session and optional bodies as optional', async () => {
		const doc = await document();
		expect(doc.paths['/api/v1/auth/login']!.post.security).toEqual([]);
		expect(doc.paths['/api/v1/me']!.get.security).toEqual([{ session: [] }]);
		expect(doc.paths['/api/v1/invites/{token}/accept']!.post.requestBody.required).toBe(false);
		expect(doc.paths['/api/v1/auth/register']!.post.requestBody.required).toBe(true);
	});
});

describe('API reference page', () => {
	it('serves /api/docs with Scalar from this origin only, under its own CSP', async () => {
		const res = await fetch(new URL('/api/docs', inject('webUrl')));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/html/);
		const csp = res.headers.get('content-security-policy')!;
		expect(csp).toMatch(/script-src 'self'(;|$)/);
		expect(csp).toContain("connect-src 'self'");
		const html = await res.text();
		expect(html).toContain('data-url="/api/v1/openapi.json"');
		const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
		expect(scripts).toHaveLength(1);
		// Same origin: a path, never a URL to somewhere else.
		expect(scripts[0]).toMatch(/^\/_app\/immutable\/assets\/standalone\.[\w-]+\.js$/);
		const bundle = await fetch(new URL(scripts[0]!, inject('webUrl')));
		expect(bundle.status).toBe(200);
		expect(bundle.headers.get('content-type')).toMatch(/javascript/);
		expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
		// No inline script may run on the page (the configuration is a JSON data block).
		const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((m) => m[1]!);
		expect(inline.every((attrs) => attrs.includes('type="application/json"'))).toBe(true);
	});
});

describe('Realtime protocol reference', () => {
	it('serves the AsyncAPI document generated from packages/protocol', async () => {
		const res = await api('/api/v1/asyncapi.json');
		expect(res.status).toBe(200);
		expect(res.body).toEqual(asyncapi);
		expect(res.body.asyncapi).toMatch(/^3\./);
	});

	it('renders every event at /api/docs/realtime, with no script', async () => {
		const res = await fetch(new URL('/api/docs/realtime', inject('webUrl')));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
		const html = await res.text();
		expect(html).not.toContain('<script');
		const names = Object.values(asyncapi.components.messages).map((m) => m.name);
		for (const event of CLIENT_EVENTS) expect(names).toContain(event);
		for (const name of names.filter((n) => !n.endsWith(' ack'))) {
			expect(html).toContain(`<code>${name}</code>`);
		}
		expect(html).toContain('id="schema-QueueUpdated"');
	});
});
