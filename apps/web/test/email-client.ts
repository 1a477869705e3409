// Helpers for the email flows: registering, reading links out of caught mail, the database.
import { createDb } from '@chorus/db';
import { createHash } from 'node:crypto';
import { afterAll, expect, inject } from 'vitest';
import { waitForMail, type CaughtMail } from '../../../tests/mail-catcher.ts';
import { randomIp, uniqueEmail } from '../../../tests/helpers.ts';
import { api } from './api-client.ts';

export const PASSWORD = 'correct-horse-9';

let db: ReturnType<typeof createDb> | undefined;
export function testDb() {
	db ??= createDb(inject('databaseUrl'), { poolSize: 2 });
	return db;
}
afterAll(async () => {
	await db?.$disconnect();
	db = undefined;
});

export const sha256 = (s: string) => createHash('sha256').update(s).digest();

export async function register(tag = 'mail') {
	const email = uniqueEmail(tag);
	const since = Date.now();
	const res = await api('/api/v1/auth/register', {
		json: { email, password: PASSWORD, displayName: 'Mia' }
	});
	expect(res.status).toBe(201);
	return { email, cookie: res.cookie!, user: res.body.user as { id: string }, since };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The token of the `path?token=` link in a mail; the link must start with the public origin. */
export function linkToken(mail: CaughtMail, path: string): string {
	const re = new RegExp(`${escapeRe(inject('publicOrigin') + path)}\\?token=([A-Za-z0-9_-]+)`);
	const inText = mail.text.match(re)?.[1];
	expect(inText, `a ${path} link on the public origin in:\n${mail.text}`).toBeTruthy();
	// The HTML part carries the same link.
	expect(mail.html).toContain(`${path}?token=${inText}`);
	return inText!;
}

export async function mailedToken(
	to: string,
	subject: RegExp,
	path: string,
	since = 0
): Promise<string> {
	const mail = await waitForMail(inject('mailDir'), { to, subject, since });
	return linkToken(mail, path);
}

export const VERIFY_SUBJECT = /confirm your email/i;
export const RESET_SUBJECT = /reset your chorus password/i;
export const CHANGE_SUBJECT = /confirm your new email/i;
export const CHANGE_NOTICE_SUBJECT = /being changed/i;

export const verify = (token: string) => api('/api/v1/auth/verify-email', { json: { token } });

export const requestReset = (email: string, ip = randomIp()) =>
	api('/api/v1/auth/password-reset', { json: { email }, ip });

export const confirmReset = (json: Record<string, unknown>) =>
	api('/api/v1/auth/password-reset/confirm', { json });

export const login = (email: string, password: string) =>
	api('/api/v1/auth/login', { json: { email, password } });

/** Lets a background mail that should NOT be sent have the time to arrive anyway. */
export const settle = (ms = 500) => new Promise((r) => setTimeout(r, ms));
