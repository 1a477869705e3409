import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { generateCodeVerifier, generateState, type OAuth2Tokens } from 'arctic';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../api/errors.ts';
import { getEnv, publicUrl } from '../../env.ts';
import { safeRedirect } from '../../forms.ts';
import { logger } from '../../logger.ts';
import { consume, getLimiters } from '../../rate-limit.ts';
import { setSessionCookie } from '../cookies.ts';
import { startSignInSession } from '../two-factor.ts';
import { linkIdentity, saveLinkedAccount, signInWithIdentity } from './service.ts';
import { getProvider, type OAuthProvider, type ProviderProfile } from './providers.ts';

// Lazy: the logger reads the environment, which is not there at build time.
const log = () => logger('oauth');

const STATE_COOKIE = 'chorus_oauth';
/** Long enough to sign in at the provider, short enough that a stale flow is useless. */
const STATE_COOKIE_MAX_AGE_S = 10 * 60;

export type OAuthIntent = 'signin' | 'link';

interface FlowState {
	/** state sent to the provider, compared on the way back */
	s: string;
	/** PKCE code verifier */
	v: string;
	i: OAuthIntent;
	/** where to go after signing in (same-site path) */
	r: string;
	/** the account being linked (intent link) */
	u?: string;
}

/** A failed OAuth round trip: always 400, never a session. */
export const oauthFailed = (message: string) => new ApiError(400, 'OAUTH_FAILED', message);

const callbackUrl = (providerId: string): string => publicUrl(`/auth/oauth/${providerId}/callback`);

const cookieOptions = (providerId: string) => ({
	// Only the provider's own routes ever see it.
	path: `/auth/oauth/${providerId}`,
	httpOnly: true,
	sameSite: 'lax' as const,
	secure: getEnv().COOKIE_SECURE
});

/** Stores state + code verifier in a short-lived cookie and returns the provider's URL. */
export function startAuthorization(
	event: Pick<RequestEvent, 'cookies' | 'url'>,
	provider: OAuthProvider,
	flow: { intent: OAuthIntent; redirectTo: string; userId?: string }
): URL {
	const state = generateState();
	const verifier = generateCodeVerifier();
	const value: FlowState = { s: state, v: verifier, i: flow.intent, r: flow.redirectTo };
	if (flow.userId) value.u = flow.userId;
	event.cookies.set(STATE_COOKIE, Buffer.from(JSON.stringify(value)).toString('base64url'), {
		...cookieOptions(provider.id),
		maxAge: STATE_COOKIE_MAX_AGE_S
	});
	const client = provider.client(callbackUrl(provider.id));
	return client.createAuthorizationURL(state, provider.pkce ? verifier : null, provider.scopes);
}

function readFlowState(cookies: Cookies, providerId: string): FlowState | null {
	const raw = cookies.get(STATE_COOKIE);
	if (!raw) return null;
	// Consumed on first use: a replayed callback finds no cookie.
	cookies.delete(STATE_COOKIE, cookieOptions(providerId));
	try {
		const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as FlowState;
		if (typeof v.s !== 'string' || typeof v.v !== 'string' || typeof v.r !== 'string') return null;
		if (v.i !== 'signin' && v.i !== 'link') return null;
		return v;
	} catch {
		return null;
	}
}

function sameString(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export type CallbackResult =
	| { kind: 'signed-in'; redirectTo: string }
	| { kind: 'two-factor'; redirectTo: string }
	| { kind: 'linked'; redirectTo: string };

/** The provider sent the browser back: check state, exchange the code, then sign in or link. */
export async function handleCallback(
	event: RequestEvent,
	providerId: string
): Promise<CallbackResult> {
	const provider = getProvider(providerId);
	if (!provider) throw new ApiError(404, 'NOT_FOUND', 'Unknown sign-in provider');
	const { url, cookies } = event;
	const flow = readFlowState(cookies, provider.id);
	await consume([[getLimiters().oauthIp, event.getClientAddress()]]);

	const providerError = url.searchParams.get('error');
	if (providerError) {
		throw oauthFailed(
			providerError === 'access_denied'
				? `You did not allow Chorus to use your ${provider.label} account.`
				: `${provider.label} could not sign you in (${providerError.slice(0, 64)}).`
		);
	}
	const code = url.searchParams.get('code');
	const state = url.searchParams.get('state');
	if (!flow || !code || !state || !sameString(state, flow.s)) {
		throw oauthFailed('This sign-in link expired or was already used. Please start again.');
	}

	let tokens: OAuth2Tokens;
	try {
		tokens = await provider
			.client(callbackUrl(provider.id))
			.validateAuthorizationCode(code, provider.pkce ? flow.v : null);
		tokens.accessToken(); // throws when the answer has none
	} catch (err) {
		log().warn({ err: describe(err), provider: provider.id }, 'code exchange failed');
		throw oauthFailed(`${provider.label} did not accept the sign-in. Please try again.`);
	}
	let profile: ProviderProfile;
	try {
		profile = await provider.fetchProfile(tokens.accessToken(), tokens);
	} catch (err) {
		log().warn({ err: describe(err), provider: provider.id }, 'profile request failed');
		throw oauthFailed(`Could not read your ${provider.label} profile. Please try again.`);
	}

	if (flow.i === 'link' || provider.kind === 'streaming') {
		// Linking is for the account that started it, still signed in here.
		const user = event.locals.user;
		if (!user || !flow.u || user.id !== flow.u) {
			throw oauthFailed('Sign in again, then link the account from your settings.');
		}
		if (provider.kind === 'streaming') await saveLinkedAccount(user.id, provider, profile, tokens);
		else await linkIdentity(user.id, provider, profile);
		return { kind: 'linked', redirectTo: `/account/connections?linked=${provider.id}` };
	}

	const user = await signInWithIdentity(provider, profile);
	const meta = { ip: event.getClientAddress(), userAgent: event.request.headers.get('user-agent') };
	const { token, session, twoFactorRequired } = await startSignInSession(user, meta);
	setSessionCookie(cookies, token, session.expiresAt);
	const redirectTo = safeRedirect(flow.r);
	if (twoFactorRequired) {
		return {
			kind: 'two-factor',
			redirectTo: `/login/two-factor?redirectTo=${encodeURIComponent(redirectTo)}`
		};
	}
	return { kind: 'signed-in', redirectTo };
}

/** Error name and message only: provider errors can echo request details, never tokens. */
function describe(err: unknown) {
	return err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) };
}
