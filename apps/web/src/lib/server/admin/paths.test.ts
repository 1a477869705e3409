import { describe, expect, it } from 'vitest';
import { isAdminRequest, isApiRequest } from './paths.ts';

describe('isAdminRequest', () => {
	it.each([
		['/admin', '/admin'],
		['/admin/users/[id]', '/admin/users/1'],
		['/admin', '/%61dmin'],
		['/admin/audit', '/admin/audit/__data.json'],
		['/api/v1/admin/users', '/api/v1/admin/users'],
		['/api/[...rest]', '/api/v1/admin/nope'],
		[null, '/admin/not-a-page']
	])('route %s, path %s: admin', (route, path) => {
		expect(isAdminRequest(route, path)).toBe(true);
	});

	it.each([
		['/', '/'],
		[null, '/administrator'],
		['/api/v1/me', '/api/v1/me'],
		['/api/[...rest]', '/api/v1/administer'],
		['/login', '/login']
	])('route %s, path %s: not admin', (route, path) => {
		expect(isAdminRequest(route, path)).toBe(false);
	});

	it('tells the API from pages', () => {
		expect(isApiRequest('/api/v1/admin/users', '/api/v1/admin/users')).toBe(true);
		expect(isApiRequest('/admin/users', '/admin/users')).toBe(false);
	});
});
