// Runs once, after Playwright's webServer (when there is one) is up: makes sure the suite has an
// admin of the instance, seeded through the API like everything else. Locally (and on any fresh
// deployment) the first account registered is the instance's admin; against a deployment that
// already has one, pass E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD. Workers read the result from env.
import { request } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { BASE_URL, ORIGIN } from './target.ts';

async function isAdmin(email: string, password: string): Promise<boolean> {
	const api = await request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { origin: ORIGIN } });
	try {
		const login = await api.post('/api/v1/auth/login', { data: { email, password } });
		if (login.status() !== 200)
			throw new Error(`E2E admin ${email} cannot sign in: ${login.status()} ${await login.text()}`);
		return (await api.get('/api/v1/admin/settings')).status() === 200;
	} finally {
		await api.dispose();
	}
}

export default async function globalSetup() {
	const { E2E_ADMIN_EMAIL: email, E2E_ADMIN_PASSWORD: password } = process.env;
	if (email && password) {
		if (!(await isAdmin(email, password)))
			throw new Error(`E2E_ADMIN_EMAIL ${email} is not an admin of ${BASE_URL}`);
		return;
	}
	const admin = {
		email: `e2e-admin-${randomBytes(5).toString('hex')}@example.test`,
		password: `pw-${randomBytes(12).toString('hex')}`,
		displayName: 'E2E admin'
	};
	const api = await request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { origin: ORIGIN } });
	const res = await api.post('/api/v1/auth/register', { data: admin });
	await api.dispose();
	if (res.status() !== 201) {
		console.warn(`[e2e] no admin: registering one gave ${res.status()}; admin specs skip`);
		return;
	}
	if (await isAdmin(admin.email, admin.password)) {
		process.env.E2E_ADMIN_EMAIL = admin.email;
		process.env.E2E_ADMIN_PASSWORD = admin.password;
	} else {
		console.warn(
			`[e2e] ${BASE_URL} already has an admin: set E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD to run the @admin specs`
		);
	}
}
