import { SESSION_COOKIE_NAME } from '@chorus/auth';
import type { Cookies } from '@sveltejs/kit';
import { getEnv } from '../env.ts';

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE_NAME, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: getEnv().COOKIE_SECURE,
		expires: expiresAt
	});
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE_NAME, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: getEnv().COOKIE_SECURE
	});
}
