// A small OAuth 2.0 / OIDC provider on loopback, standing in for GitHub, Google, Spotify, Yandex
// and VK (the real ones cannot be reached from tests). It is strict where the real ones are:
// client id + redirect URI at /authorize, client secret, single-use codes, PKCE S256 and
// redirect URI at /token, bearer tokens on the profile endpoints.
//
// The test picks the person who "signs in" by appending query parameters to the authorize URL
// the web app redirected to: sub, name, login, email, email_verified (true|false),
// public_email (GitHub: email shown on /user, else only on /user/emails), expires_in (access
// token lifetime, s), no_refresh=1, or error=access_denied.
//
// Test controls (JSON): POST /_origin {origin} pins the allowed redirect URI origin;
// POST /_fail-next {provider, what: 'token'|'profile'} fails the next call;
// POST /_revoke-all {provider} invalidates every token it issued for that provider;
// GET /_stats?provider=p → { tokenRequests, revoked }.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StartedOAuthProvider {
	url: string;
	/** Env for the web app: each provider's endpoints, client id and secret pointing here. */
	env: Record<string, string>;
	stop(): Promise<void>;
}

const PROVIDERS = ['github', 'google', 'spotify', 'yandex', 'vk'] as const;
type Provider = (typeof PROVIDERS)[number];

export const clientId = (p: string) => `${p}-client-id`;
export const clientSecret = (p: string) => `${p}-client-secret`;

interface TestUser {
	sub: string;
	name?: string;
	login?: string;
	email?: string;
	emailVerified: boolean;
	publicEmail: boolean;
	expiresInS: number;
	noRefresh: boolean;
}

interface CodeGrant {
	provider: Provider;
	redirectUri: string;
	challenge: string | null;
	scope: string;
	user: TestUser;
	used: boolean;
}

interface TokenGrant {
	provider: Provider;
	user: TestUser;
	expiresAt: number;
	scope: string;
}

const b64url = (buf: Buffer) => buf.toString('base64url');
const token = (prefix: string) => `${prefix}_${b64url(randomBytes(24))}`;

function sameString(a: string, b: string) {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
	res.end(JSON.stringify(body));
}

export async function startOAuthProvider(): Promise<StartedOAuthProvider> {
	const codes = new Map<string, CodeGrant>();
	const accessTokens = new Map<string, TokenGrant>();
	const refreshTokens = new Map<string, Omit<TokenGrant, 'expiresAt'>>();
	const failNext = new Set<string>();
	const stats = new Map<Provider, { tokenRequests: Record<string, string>[]; revoked: string[] }>();
	const statsOf = (p: Provider) => {
		let s = stats.get(p);
		if (!s) stats.set(p, (s = { tokenRequests: [], revoked: [] }));
		return s;
	};
	let allowedOrigin: string | null = null;

	function issue(provider: Provider, user: TestUser, scope: string, withRefresh: boolean) {
		const access = token(`${provider}_at`);
		accessTokens.set(access, {
			provider,
			user,
			scope,
			expiresAt: Date.now() + user.expiresInS * 1000
		});
		const body: Record<string, unknown> = {
			access_token: access,
			token_type: 'Bearer',
			expires_in: user.expiresInS,
			scope
		};
		if (withRefresh && !user.noRefresh) {
			const refresh = token(`${provider}_rt`);
			refreshTokens.set(refresh, { provider, user, scope });
			body.refresh_token = refresh;
		}
		if (provider === 'vk') body.user_id = Number(user.sub) || user.sub;
		return body;
	}

	function authorize(provider: Provider, url: URL, res: ServerResponse) {
		const q = url.searchParams;
		if (q.get('client_id') !== clientId(provider)) return send(res, 400, { error: 'bad client' });
		let redirect: URL;
		try {
			redirect = new URL(q.get('redirect_uri') ?? '');
		} catch {
			return send(res, 400, { error: 'bad redirect_uri' });
		}
		// A registered redirect URI: the web app's ORIGIN and this provider's callback path.
		if (
			redirect.pathname !== `/auth/oauth/${provider}/callback` ||
			redirect.search ||
			(allowedOrigin && redirect.origin !== allowedOrigin)
		) {
			return send(res, 400, { error: 'redirect_uri is not registered' });
		}
		if (q.get('response_type') !== 'code') return send(res, 400, { error: 'bad response_type' });
		const challengeMethod = q.get('code_challenge_method');
		if (q.get('code_challenge') && challengeMethod !== 'S256') {
			return send(res, 400, { error: 'only S256 PKCE' });
		}
		const state = q.get('state');
		if (q.get('error')) {
			redirect.searchParams.set('error', q.get('error')!);
		} else {
			const code = token('code');
			codes.set(code, {
				provider,
				redirectUri: q.get('redirect_uri')!,
				challenge: q.get('code_challenge'),
				scope: q.get('scope') ?? '',
				used: false,
				user: {
					sub: q.get('sub') ?? randomBytes(6).toString('hex'),
					name: q.get('name') ?? undefined,
					login: q.get('login') ?? undefined,
					email: q.get('email') ?? undefined,
					emailVerified: q.get('email_verified') !== 'false',
					publicEmail: q.get('public_email') === '1',
					expiresInS: Number(q.get('expires_in') ?? 3600),
					noRefresh: q.get('no_refresh') === '1'
				}
			});
			redirect.searchParams.set('code', code);
		}
		if (state) redirect.searchParams.set('state', state);
		res.writeHead(302, { location: redirect.href });
		res.end();
	}

	async function tokenEndpoint(provider: Provider, req: IncomingMessage, res: ServerResponse) {
		const body = new URLSearchParams(await readBody(req));
		let id = body.get('client_id');
		let secret = body.get('client_secret');
		const basic = req.headers.authorization?.match(/^Basic (.+)$/i)?.[1];
		if (basic) {
			const [u, p] = Buffer.from(basic, 'base64').toString('utf8').split(':');
			id = decodeURIComponent(u ?? '');
			secret = decodeURIComponent(p ?? '');
		}
		const grantType = body.get('grant_type') ?? '';
		statsOf(provider).tokenRequests.push({
			grant_type: grantType,
			code_verifier: body.get('code_verifier') ?? '',
			redirect_uri: body.get('redirect_uri') ?? '',
			client_auth: basic ? 'basic' : 'body'
		});
		if (id !== clientId(provider) || !secret || !sameString(secret, clientSecret(provider))) {
			return send(res, 401, { error: 'invalid_client' });
		}
		if (failNext.delete(`${provider}:token`)) {
			return send(res, 400, { error: 'invalid_grant', error_description: 'failed on purpose' });
		}
		if (grantType === 'authorization_code') {
			const grant = codes.get(body.get('code') ?? '');
			if (!grant || grant.provider !== provider || grant.used) {
				return send(res, 400, {
					error: 'invalid_grant',
					error_description: 'unknown or used code'
				});
			}
			grant.used = true; // single use, even when the rest of the request is wrong
			if (body.get('redirect_uri') !== grant.redirectUri) {
				return send(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri' });
			}
			if (grant.challenge) {
				const verifier = body.get('code_verifier') ?? '';
				const expected = b64url(createHash('sha256').update(verifier).digest());
				if (!verifier || !sameString(expected, grant.challenge)) {
					return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE failed' });
				}
			}
			return send(res, 200, issue(provider, grant.user, grant.scope, provider !== 'vk'));
		}
		if (grantType === 'refresh_token' && provider !== 'vk') {
			const refresh = body.get('refresh_token') ?? '';
			const grant = refreshTokens.get(refresh);
			if (!grant || grant.provider !== provider) {
				return send(res, 400, { error: 'invalid_grant', error_description: 'refresh token' });
			}
			refreshTokens.delete(refresh); // rotated: each refresh token works once
			return send(res, 200, issue(provider, grant.user, grant.scope, true));
		}
		return send(res, 400, { error: 'unsupported_grant_type' });
	}

	function bearer(provider: Provider, req: IncomingMessage, url: URL): TestUser | null {
		const header = req.headers.authorization?.match(/^(?:Bearer|OAuth) (.+)$/i)?.[1];
		const value = header ?? url.searchParams.get('access_token') ?? '';
		const grant = accessTokens.get(value);
		if (!grant || grant.provider !== provider || grant.expiresAt <= Date.now()) return null;
		return grant.user;
	}

	function profile(provider: Provider, path: string, user: TestUser): unknown {
		const name = user.name ?? null;
		switch (`${provider} ${path}`) {
			case 'github /api/user':
				return {
					id: /^\d+$/.test(user.sub) ? Number(user.sub) : user.sub,
					login: user.login ?? `user-${user.sub}`,
					name,
					email: user.publicEmail ? (user.email ?? null) : null
				};
			case 'github /api/user/emails':
				return user.email
					? [
							{ email: user.email, primary: true, verified: user.emailVerified },
							{ email: `other-${user.sub}@example.net`, primary: false, verified: true }
						]
					: [];
			case 'google /userinfo':
				return {
					sub: user.sub,
					name,
					...(user.email ? { email: user.email, email_verified: user.emailVerified } : {})
				};
			case 'spotify /api/v1/me':
				return { id: user.sub, display_name: name, email: user.email ?? null, product: 'free' };
			case 'yandex /info':
				return {
					id: user.sub,
					login: user.login ?? user.sub,
					display_name: name,
					default_email: user.email
				};
			case 'vk /method/users.get':
				return {
					response: [
						{
							id: Number(user.sub) || user.sub,
							first_name: name?.split(' ')[0] ?? 'VK',
							last_name: name?.split(' ')[1] ?? 'User'
						}
					]
				};
			default:
				return undefined;
		}
	}

	const server = createServer(async (req, res) => {
		try {
			const url = new URL(req.url ?? '/', 'http://provider');
			const [, first, ...rest] = url.pathname.split('/');
			if (first === '_origin' && req.method === 'POST') {
				allowedOrigin = (JSON.parse(await readBody(req)) as { origin: string }).origin;
				return send(res, 200, { ok: true });
			}
			if (first === '_fail-next' && req.method === 'POST') {
				const { provider, what } = JSON.parse(await readBody(req)) as Record<string, string>;
				failNext.add(`${provider}:${what}`);
				return send(res, 200, { ok: true });
			}
			if (first === '_revoke-all' && req.method === 'POST') {
				// As if the person revoked the app at the provider.
				const { provider } = JSON.parse(await readBody(req)) as Record<string, string>;
				for (const [t, g] of accessTokens) if (g.provider === provider) accessTokens.delete(t);
				for (const [t, g] of refreshTokens) if (g.provider === provider) refreshTokens.delete(t);
				return send(res, 200, { ok: true });
			}
			if (first === '_stats') {
				return send(res, 200, statsOf(url.searchParams.get('provider') as Provider));
			}
			const provider = first as Provider;
			if (!PROVIDERS.includes(provider)) return send(res, 404, { error: 'not found' });
			const path = `/${rest.join('/')}`;
			if (path === '/authorize' && req.method === 'GET') return authorize(provider, url, res);
			if (path === '/token' && req.method === 'POST') return tokenEndpoint(provider, req, res);
			if (path === '/revoke' && req.method === 'POST') {
				const body = new URLSearchParams(await readBody(req));
				const t = body.get('access_token') ?? body.get('token') ?? '';
				if (body.get('client_secret') !== clientSecret(provider) && !req.headers.authorization) {
					return send(res, 401, { error: 'invalid_client' });
				}
				accessTokens.delete(t);
				statsOf(provider).revoked.push(t);
				return send(res, 200, { status: 'ok' });
			}
			const user = bearer(provider, req, url);
			if (!user) return send(res, 401, { error: 'invalid_token' });
			if (failNext.delete(`${provider}:profile`)) return send(res, 500, { error: 'server_error' });
			const body = profile(provider, path, user);
			if (body === undefined) return send(res, 404, { error: 'not found' });
			return send(res, 200, body);
		} catch (err) {
			send(res, 500, { error: 'server_error', message: (err as Error).message });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const env: Record<string, string> = {};
	for (const p of PROVIDERS) {
		const P = p.toUpperCase();
		env[`${P}_CLIENT_ID`] = clientId(p);
		env[`${P}_CLIENT_SECRET`] = clientSecret(p);
		env[`${P}_AUTHORIZE_URL`] = `${url}/${p}/authorize`;
		env[`${P}_TOKEN_URL`] = `${url}/${p}/token`;
	}
	env.GITHUB_API_URL = `${url}/github/api`;
	env.GOOGLE_USERINFO_URL = `${url}/google/userinfo`;
	env.SPOTIFY_API_URL = `${url}/spotify/api`;
	env.YANDEX_USERINFO_URL = `${url}/yandex/info`;
	env.YANDEX_REVOKE_URL = `${url}/yandex/revoke`;
	env.VK_API_URL = `${url}/vk/method`;

	return {
		url,
		env,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
