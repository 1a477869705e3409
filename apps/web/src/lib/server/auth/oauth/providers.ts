import { CodeChallengeMethod, OAuth2Client, OAuth2Tokens } from 'arctic';
import { getEnv, type Env } from '../../env.ts';

/** Providers people sign in with (oauth_identities). */
export const SIGN_IN_PROVIDERS = ['github', 'google'] as const;
/** Streaming services linked for playback (linked_accounts, tokens sealed). */
export const STREAMING_PROVIDERS = ['spotify', 'yandex', 'vk'] as const;

export type SignInProviderId = (typeof SIGN_IN_PROVIDERS)[number];
export type StreamingProviderId = (typeof STREAMING_PROVIDERS)[number];
export type ProviderId = SignInProviderId | StreamingProviderId;

/** What a provider says about the person who signed in there. */
export interface ProviderProfile {
	id: string;
	name: string | null;
	email: string | null;
	emailVerified: boolean;
}

export interface OAuthProvider {
	id: ProviderId;
	kind: 'sign-in' | 'streaming';
	label: string;
	authorizeUrl: string;
	tokenUrl: string;
	scopes: string[];
	/** PKCE (S256) where the provider supports it. */
	pkce: boolean;
	client(redirectUri: string): TokenClient;
	/** The person behind an access token (`tokens` for providers that put the user id there). */
	fetchProfile(accessToken: string, tokens?: OAuth2Tokens): Promise<ProviderProfile>;
	/** Raw profile JSON (streaming services; GET /api/v1/me/connections/<p>/profile). */
	fetchRawProfile(accessToken: string, providerUserId: string): Promise<unknown>;
	/** Best-effort revocation at the provider, when it has an endpoint for it. */
	revoke?(token: string): Promise<void>;
}

export interface TokenClient {
	createAuthorizationURL(state: string, codeVerifier: string | null, scopes: string[]): URL;
	validateAuthorizationCode(code: string, codeVerifier: string | null): Promise<OAuth2Tokens>;
	refreshAccessToken?(refreshToken: string): Promise<OAuth2Tokens>;
}

const PROVIDER_TIMEOUT_MS = 10_000;

export class ProviderRequestError extends Error {
	constructor(
		message: string,
		/** The provider's HTTP status, when it answered. */
		readonly status?: number
	) {
		super(message);
	}
}

async function getJson(url: string, init: RequestInit = {}): Promise<unknown> {
	const res = await fetch(url, {
		...init,
		headers: { accept: 'application/json', 'user-agent': 'Chorus', ...init.headers },
		signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
	});
	if (!res.ok) {
		throw new ProviderRequestError(`${new URL(url).pathname} answered ${res.status}`, res.status);
	}
	return res.json();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const str = (v: unknown): string | null =>
	typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null;
const record = (v: unknown): Record<string, unknown> =>
	v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

function requireId(v: unknown): string {
	const id = str(v);
	if (!id) throw new ProviderRequestError('The provider gave no user id');
	return id;
}

/** arctic's generic client with the configured endpoints. */
function standardClient(
	env: { id: string; secret: string; authorizeUrl: string; tokenUrl: string },
	redirectUri: string,
	pkce: boolean
): TokenClient {
	const client = new OAuth2Client(env.id, env.secret, redirectUri);
	return {
		createAuthorizationURL: (state, verifier, scopes) =>
			pkce && verifier
				? client.createAuthorizationURLWithPKCE(
						env.authorizeUrl,
						state,
						CodeChallengeMethod.S256,
						verifier,
						scopes
					)
				: client.createAuthorizationURL(env.authorizeUrl, state, scopes),
		validateAuthorizationCode: (code, verifier) =>
			client.validateAuthorizationCode(env.tokenUrl, code, pkce ? verifier : null),
		refreshAccessToken: (refreshToken) => client.refreshAccessToken(env.tokenUrl, refreshToken, [])
	};
}

/**
 * VK's legacy OAuth takes the client secret in the body (not Basic auth), has no PKCE and no
 * refresh tokens (the `offline` scope gives a long-lived token), and returns the user id with
 * the token.
 */
function vkClient(
	env: { id: string; secret: string; authorizeUrl: string; tokenUrl: string },
	redirectUri: string
): TokenClient {
	return {
		createAuthorizationURL(state, _verifier, scopes) {
			const url = new URL(env.authorizeUrl);
			url.searchParams.set('response_type', 'code');
			url.searchParams.set('client_id', env.id);
			url.searchParams.set('redirect_uri', redirectUri);
			url.searchParams.set('state', state);
			if (scopes.length) url.searchParams.set('scope', scopes.join(' '));
			return url;
		},
		async validateAuthorizationCode(code) {
			const body = new URLSearchParams({
				grant_type: 'authorization_code',
				code,
				redirect_uri: redirectUri,
				client_id: env.id,
				client_secret: env.secret
			});
			const res = await fetch(env.tokenUrl, {
				method: 'POST',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json'
				},
				body,
				signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
			});
			const data = record(await res.json().catch(() => null));
			if (!res.ok || typeof data.access_token !== 'string') {
				throw new ProviderRequestError(`token endpoint answered ${res.status}`);
			}
			return new OAuth2Tokens(data);
		}
	};
}

function credentials(env: Env, prefix: 'GITHUB' | 'GOOGLE' | 'SPOTIFY' | 'YANDEX' | 'VK') {
	const id = env[`${prefix}_CLIENT_ID`];
	const secret = env[`${prefix}_CLIENT_SECRET`];
	if (!id || !secret) return null;
	return {
		id,
		secret,
		authorizeUrl: env[`${prefix}_AUTHORIZE_URL`],
		tokenUrl: env[`${prefix}_TOKEN_URL`]
	};
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

function buildProviders(env: Env): Map<ProviderId, OAuthProvider> {
	const out = new Map<ProviderId, OAuthProvider>();

	const github = credentials(env, 'GITHUB');
	if (github) {
		const api = trimSlash(env.GITHUB_API_URL);
		const headers = (t: string) => ({ ...bearer(t), accept: 'application/vnd.github+json' });
		out.set('github', {
			id: 'github',
			kind: 'sign-in',
			label: 'GitHub',
			authorizeUrl: github.authorizeUrl,
			tokenUrl: github.tokenUrl,
			scopes: ['read:user', 'user:email'],
			pkce: true,
			client: (uri) => standardClient(github, uri, true),
			async fetchProfile(token) {
				const user = record(await getJson(`${api}/user`, { headers: headers(token) }));
				// A public profile email can only be one of the account's verified addresses.
				let email = str(user.email);
				let emailVerified = email !== null;
				if (!email) {
					const list = await getJson(`${api}/user/emails`, { headers: headers(token) });
					const primary = (Array.isArray(list) ? list : [])
						.map(record)
						.find((e) => e.primary === true);
					email = str(primary?.email);
					emailVerified = primary?.verified === true;
				}
				return {
					id: requireId(user.id),
					name: str(user.name) ?? str(user.login),
					email,
					emailVerified
				};
			},
			fetchRawProfile: (token) => getJson(`${api}/user`, { headers: headers(token) })
		});
	}

	const google = credentials(env, 'GOOGLE');
	if (google) {
		const userinfo = env.GOOGLE_USERINFO_URL;
		out.set('google', {
			id: 'google',
			kind: 'sign-in',
			label: 'Google',
			authorizeUrl: google.authorizeUrl,
			tokenUrl: google.tokenUrl,
			scopes: ['openid', 'email', 'profile'],
			pkce: true,
			client: (uri) => standardClient(google, uri, true),
			async fetchProfile(token) {
				const info = record(await getJson(userinfo, { headers: bearer(token) }));
				return {
					id: requireId(info.sub),
					name: str(info.name),
					email: str(info.email),
					emailVerified: info.email_verified === true || info.email_verified === 'true'
				};
			},
			fetchRawProfile: (token) => getJson(userinfo, { headers: bearer(token) })
		});
	}

	const spotify = credentials(env, 'SPOTIFY');
	if (spotify) {
		const me = `${trimSlash(env.SPOTIFY_API_URL)}/v1/me`;
		out.set('spotify', {
			id: 'spotify',
			kind: 'streaming',
			label: 'Spotify',
			authorizeUrl: spotify.authorizeUrl,
			tokenUrl: spotify.tokenUrl,
			scopes: ['user-read-email', 'user-read-private'],
			pkce: true,
			client: (uri) => standardClient(spotify, uri, true),
			async fetchProfile(token) {
				const p = record(await getJson(me, { headers: bearer(token) }));
				return {
					id: requireId(p.id),
					name: str(p.display_name) ?? str(p.id),
					email: str(p.email),
					emailVerified: false
				};
			},
			fetchRawProfile: (token) => getJson(me, { headers: bearer(token) })
		});
	}

	const yandex = credentials(env, 'YANDEX');
	if (yandex) {
		const info = new URL(env.YANDEX_USERINFO_URL);
		info.searchParams.set('format', 'json');
		const headers = (t: string) => ({ authorization: `OAuth ${t}` });
		const revokeUrl = env.YANDEX_REVOKE_URL;
		out.set('yandex', {
			id: 'yandex',
			kind: 'streaming',
			label: 'Yandex',
			authorizeUrl: yandex.authorizeUrl,
			tokenUrl: yandex.tokenUrl,
			scopes: [],
			pkce: false,
			client: (uri) => standardClient(yandex, uri, false),
			async fetchProfile(token) {
				const p = record(await getJson(info.href, { headers: headers(token) }));
				return {
					id: requireId(p.id),
					name: str(p.display_name) ?? str(p.login),
					email: str(p.default_email),
					emailVerified: false
				};
			},
			fetchRawProfile: (token) => getJson(info.href, { headers: headers(token) }),
			// Yandex's revocation takes the token and the client credentials in the body.
			async revoke(token) {
				await fetch(revokeUrl, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({
						access_token: token,
						client_id: yandex.id,
						client_secret: yandex.secret
					}),
					signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS)
				});
			}
		});
	}

	const vk = credentials(env, 'VK');
	if (vk) {
		const api = trimSlash(env.VK_API_URL);
		// VK's API takes the token as a parameter (server to server; never logged).
		const usersGet = (token: string, id?: string) => {
			const url = new URL(`${api}/users.get`);
			url.searchParams.set('v', '5.199');
			url.searchParams.set('access_token', token);
			if (id) url.searchParams.set('user_ids', id);
			return getJson(url.href);
		};
		out.set('vk', {
			id: 'vk',
			kind: 'streaming',
			label: 'VK',
			authorizeUrl: vk.authorizeUrl,
			tokenUrl: vk.tokenUrl,
			scopes: ['offline'],
			pkce: false,
			client: (uri) => vkClient(vk, uri),
			async fetchProfile(token, tokens) {
				const data = record(await usersGet(token));
				const first = record(Array.isArray(data.response) ? data.response[0] : null);
				const name = [str(first.first_name), str(first.last_name)].filter(Boolean).join(' ');
				return {
					id: requireId(first.id ?? record(tokens?.data).user_id),
					name: name || null,
					email: null,
					emailVerified: false
				};
			},
			fetchRawProfile: (token, id) => usersGet(token, id)
		});
	}
	return out;
}

let cached: Map<ProviderId, OAuthProvider> | undefined;

/** Every configured provider (client id and secret both set). */
export function getProviders(): Map<ProviderId, OAuthProvider> {
	cached ??= buildProviders(getEnv());
	return cached;
}

export function getProvider(id: string): OAuthProvider | undefined {
	return getProviders().get(id as ProviderId);
}

/** Labels of the configured sign-in providers, for the login and register pages. */
export function enabledSignInProviders(): { id: ProviderId; label: string }[] {
	return [...getProviders().values()]
		.filter((p) => p.kind === 'sign-in')
		.map((p) => ({ id: p.id, label: p.label }));
}

export const PROVIDER_LABELS: Record<ProviderId, string> = {
	github: 'GitHub',
	google: 'Google',
	spotify: 'Spotify',
	yandex: 'Yandex',
	vk: 'VK'
};
