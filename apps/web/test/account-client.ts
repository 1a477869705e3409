// Helpers for the account tests (sessions, avatar, deletion): users with several sessions.
import { uniqueEmail, randomIp } from '../../../tests/helpers.ts';
import { api, type ApiOptions } from './api-client.ts';

// Not a common password: sign-up refuses those.
export const PASSWORD = 'tidal-marmot-orchard-5';

export interface Account {
	id: string;
	email: string;
	displayName: string;
	cookie: string;
	ip: string;
	/** Calls the API as this account's first session. */
	call<T = any>(path: string, opts?: ApiOptions): ReturnType<typeof api<T>>;
}

export async function registerAccount(displayName = 'Account'): Promise<Account> {
	const email = uniqueEmail('acct');
	const ip = randomIp();
	const res = await api('/api/v1/auth/register', {
		json: { email, password: PASSWORD, displayName },
		ip
	});
	if (res.status !== 201)
		throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
	const cookie = res.cookie!;
	return {
		id: res.body.user.id,
		email,
		displayName,
		cookie,
		ip,
		call: (path, opts = {}) => api(path, { cookie, ip, ...opts })
	};
}

/** Signs the account in again (a new session), as a browser with this user agent. */
export async function signInAgain(a: Account, userAgent = 'curl/8.5.0'): Promise<string> {
	const res = await api('/api/v1/auth/login', {
		json: { email: a.email, password: PASSWORD },
		headers: { 'user-agent': userAgent }
	});
	if (res.status !== 200 || !res.cookie)
		throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
	return res.cookie;
}
