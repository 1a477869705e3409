import { seal, unsealString } from '@chorus/auth';
import { isUniqueViolation } from '@chorus/db';
import { DISPLAY_NAME_MAX_LENGTH } from '@chorus/protocol';
import type { OAuth2Tokens } from 'arctic';
import { grantFirstAdmin } from '../../admin/roles.ts';
import { assertSignUpAllowed } from '../../admin/settings.ts';
import { ApiError } from '../../api/errors.ts';
import { getDb } from '../../db.ts';
import { getEnv } from '../../env.ts';
import { logger } from '../../logger.ts';
import {
	getProvider,
	getProviders,
	PROVIDER_LABELS,
	ProviderRequestError,
	SIGN_IN_PROVIDERS,
	STREAMING_PROVIDERS,
	type OAuthProvider,
	type ProviderId,
	type ProviderProfile
} from './providers.ts';

// Lazy: the logger reads the environment, which is not there at build time.
const log = () => logger('oauth');

/** Refresh a little before the provider's expiry so a token never dies mid-request. */
const REFRESH_MARGIN_MS = 60_000;

const failed = (message: string) => new ApiError(400, 'OAUTH_FAILED', message);

function displayNameFrom(profile: ProviderProfile): string {
	const name = (profile.name ?? '').trim() || (profile.email?.split('@')[0] ?? '') || 'Listener';
	return name.slice(0, DISPLAY_NAME_MAX_LENGTH);
}

/** The identity (provider, provider user id) with its account, if someone has linked it. */
const findIdentity = (provider: OAuthProvider, profile: ProviderProfile) =>
	getDb().oAuthIdentity.findUnique({
		where: { provider_providerUserId: { provider: provider.id, providerUserId: profile.id } },
		include: { user: true }
	});

/** Provider emails are compared and stored like ours: trimmed, lower-case. */
const normalEmail = (profile: ProviderProfile) => profile.email?.trim().toLowerCase() || null;

const emailTaken = (label: string) =>
	failed(
		`An account with the email of this ${label} account already exists. Sign in to it, then ` +
			`link ${label} from Settings → Connections.`
	);

/**
 * Sign-in with a provider identity: the linked account, or a new account. An email that matches
 * an existing account is never linked automatically (whoever controls that provider account
 * would take the Chorus account over); its owner links it from settings.
 */
export async function signInWithIdentity(provider: OAuthProvider, profile: ProviderProfile) {
	const db = getDb();
	const identity = await findIdentity(provider, profile);
	if (identity) {
		if (identity.user.deletedAt) throw failed('This account was deleted.');
		return identity.user;
	}

	const email = normalEmail(profile);
	if (email && (await db.user.findUnique({ where: { email }, select: { id: true } }))) {
		throw emailTaken(provider.label);
	}
	const useEmail = email && profile.emailVerified ? email : null;
	await assertSignUpAllowed('account', useEmail);
	try {
		return await db.$transaction(async (tx) => {
			const user = await tx.user.create({
				data: {
					displayName: displayNameFrom(profile),
					email: useEmail,
					emailVerifiedAt: useEmail ? new Date() : null,
					passwordHash: null,
					oauthIdentities: {
						create: { provider: provider.id, providerUserId: profile.id, email }
					}
				}
			});
			return (await grantFirstAdmin(tx, user.id)) ? { ...user, isAdmin: true } : user;
		});
	} catch (err) {
		if (!isUniqueViolation(err)) throw err;
		// Raced with another sign-in of the same identity, or the email was just taken.
		const again = await findIdentity(provider, profile);
		if (again && !again.user.deletedAt) return again.user;
		throw emailTaken(provider.label);
	}
}

/** Links a sign-in identity to the signed-in account; one owned elsewhere is refused. */
export async function linkIdentity(
	userId: string,
	provider: OAuthProvider,
	profile: ProviderProfile
) {
	const db = getDb();
	const existing = await findIdentity(provider, profile);
	if (existing) {
		if (existing.userId === userId) return;
		throw failed(`This ${provider.label} account is already linked to another Chorus account.`);
	}
	try {
		await db.oAuthIdentity.create({
			data: {
				userId,
				provider: provider.id,
				providerUserId: profile.id,
				email: normalEmail(profile)
			}
		});
	} catch (err) {
		if (!isUniqueViolation(err)) throw err;
		throw failed(
			`Could not link ${provider.label}: your account already has a ${provider.label} ` +
				'account linked, or this one is linked to another Chorus account.'
		);
	}
}

/** Stores a streaming service's tokens, sealed with SECRETS_KEY; relinking replaces them. */
export async function saveLinkedAccount(
	userId: string,
	provider: OAuthProvider,
	profile: ProviderProfile,
	tokens: OAuth2Tokens
) {
	const key = getEnv().secretsKey;
	const data = {
		providerUserId: profile.id,
		displayName: profile.name,
		...sealedTokens(key, tokens, null),
		scopes: tokens.hasScopes() ? tokens.scopes().join(' ') : provider.scopes.join(' ')
	};
	await getDb().linkedAccount.upsert({
		where: { userId_provider: { userId, provider: provider.id } },
		create: { userId, provider: provider.id, ...data },
		update: data
	});
}

function sealedTokens(key: Uint8Array, tokens: OAuth2Tokens, previousRefresh: Uint8Array | null) {
	const data = tokens.data as Record<string, unknown>;
	const expiresIn = typeof data.expires_in === 'number' ? data.expires_in : Number(data.expires_in);
	return {
		accessToken: seal(key, tokens.accessToken()),
		// Providers that do not rotate refresh tokens keep the one they gave first.
		refreshToken: tokens.hasRefreshToken()
			? seal(key, tokens.refreshToken())
			: (previousRefresh as Uint8Array<ArrayBuffer> | null),
		accessTokenExpiresAt:
			Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null
	};
}

function streamingProvider(id: string): OAuthProvider {
	const provider = getProvider(id);
	if (!provider || provider.kind !== 'streaming') {
		throw new ApiError(404, 'NOT_FOUND', 'No such streaming service');
	}
	return provider;
}

/**
 * A usable access token (and the account it belongs to) for a linked streaming service, refreshed (and stored, sealed) when it
 * expired or is about to. A lock per account and service keeps concurrent requests on any node
 * from spending a rotating refresh token twice.
 */
export async function getFreshAccessToken(
	userId: string,
	providerId: string
): Promise<{ token: string; providerUserId: string }> {
	const provider = streamingProvider(providerId);
	const key = getEnv().secretsKey;
	const db = getDb();
	const where = { userId_provider: { userId, provider: provider.id } };
	const needsRefresh = (expiresAt: Date | null) =>
		expiresAt !== null && expiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS;

	const row = await db.linkedAccount.findUnique({ where });
	if (!row) throw new ApiError(404, 'NOT_FOUND', `${provider.label} is not connected`);
	const fresh = (token: string) => ({ token, providerUserId: row.providerUserId });
	if (!needsRefresh(row.accessTokenExpiresAt)) return fresh(unsealString(key, row.accessToken));

	return db.$transaction(
		async (tx) => {
			await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`oauth-refresh:${row.id}`}))`;
			const current = await tx.linkedAccount.findUnique({ where });
			if (!current) throw new ApiError(404, 'NOT_FOUND', `${provider.label} is not connected`);
			// Another request refreshed it while this one waited for the lock.
			if (!needsRefresh(current.accessTokenExpiresAt)) {
				return fresh(unsealString(key, current.accessToken));
			}
			const client = provider.client('');
			if (!current.refreshToken || !client.refreshAccessToken) {
				throw new ApiError(
					409,
					'CONFLICT',
					`Access to ${provider.label} expired: disconnect and connect it again`
				);
			}
			let tokens: OAuth2Tokens;
			try {
				tokens = await client.refreshAccessToken(unsealString(key, current.refreshToken));
				tokens.accessToken();
			} catch (err) {
				log().warn({ provider: provider.id, err: (err as Error).message }, 'token refresh failed');
				throw new ApiError(
					503,
					'UNAVAILABLE',
					`${provider.label} did not renew access; try again, or reconnect it`
				);
			}
			await tx.linkedAccount.update({
				where,
				data: sealedTokens(key, tokens, current.refreshToken)
			});
			return fresh(tokens.accessToken());
		},
		{ timeout: 20_000 }
	);
}

/** The service's own profile, fetched with a fresh token (shows the link works). */
export async function fetchStreamingProfile(userId: string, providerId: string) {
	const provider = streamingProvider(providerId);
	const { token, providerUserId } = await getFreshAccessToken(userId, provider.id);
	try {
		return await provider.fetchRawProfile(token, providerUserId);
	} catch (err) {
		log().warn({ provider: provider.id, err: (err as Error).message }, 'profile request failed');
		if (err instanceof ProviderRequestError && err.status === 401) {
			// Revoked at the provider (or by the person there): only a new link helps.
			throw new ApiError(
				409,
				'CONFLICT',
				`${provider.label} no longer accepts this connection: disconnect and connect it again`
			);
		}
		throw new ApiError(503, 'UNAVAILABLE', `${provider.label} did not answer`);
	}
}

export interface Connections {
	hasPassword: boolean;
	identities: {
		provider: ProviderId;
		label: string;
		enabled: boolean;
		linked: { email: string | null; linkedAt: string } | null;
	}[];
	services: {
		provider: ProviderId;
		label: string;
		enabled: boolean;
		linked: {
			providerUserId: string;
			displayName: string | null;
			scopes: string[];
			linkedAt: string;
		} | null;
	}[];
}

/** Sign-in identities and streaming services of an account, without any token. */
export async function listConnections(userId: string): Promise<Connections> {
	const db = getDb();
	const [user, identities, linked] = await Promise.all([
		db.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } }),
		db.oAuthIdentity.findMany({ where: { userId } }),
		db.linkedAccount.findMany({
			where: { userId },
			select: {
				provider: true,
				providerUserId: true,
				displayName: true,
				scopes: true,
				createdAt: true
			}
		})
	]);
	const enabled = getProviders();
	return {
		hasPassword: user.passwordHash !== null,
		identities: SIGN_IN_PROVIDERS.flatMap((p) => {
			const found = identities.find((i) => i.provider === p);
			if (!enabled.has(p) && !found) return [];
			return [
				{
					provider: p,
					label: PROVIDER_LABELS[p],
					enabled: enabled.has(p),
					linked: found ? { email: found.email, linkedAt: found.createdAt.toISOString() } : null
				}
			];
		}),
		services: STREAMING_PROVIDERS.flatMap((p) => {
			const found = linked.find((l) => l.provider === p);
			if (!enabled.has(p) && !found) return [];
			return [
				{
					provider: p,
					label: PROVIDER_LABELS[p],
					enabled: enabled.has(p),
					linked: found
						? {
								providerUserId: found.providerUserId,
								displayName: found.displayName,
								scopes: found.scopes ? found.scopes.split(' ') : [],
								linkedAt: found.createdAt.toISOString()
							}
						: null
				}
			];
		})
	};
}

/**
 * Removes a sign-in identity (never the last way to sign in) or a streaming link (its tokens
 * are deleted; revoked at the provider when it can, which never blocks the unlink).
 */
export async function unlinkConnection(userId: string, providerId: string): Promise<void> {
	const db = getDb();
	if ((SIGN_IN_PROVIDERS as readonly string[]).includes(providerId)) {
		await db.$transaction(async (tx) => {
			// Serialises concurrent unlinks, so two of them cannot remove the last two ways in.
			const user = await tx.$queryRaw<{ password_hash: string | null }[]>`
				SELECT password_hash FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
			const identities = await tx.oAuthIdentity.findMany({ where: { userId } });
			const target = identities.find((i) => i.provider === providerId);
			if (!target) throw new ApiError(404, 'NOT_FOUND', 'That account is not linked');
			if (!user[0]?.password_hash && identities.length === 1) {
				throw new ApiError(
					409,
					'CONFLICT',
					'This is your only way to sign in: set a password or link another account first'
				);
			}
			await tx.oAuthIdentity.delete({ where: { id: target.id } });
		});
		return;
	}
	if (!(STREAMING_PROVIDERS as readonly string[]).includes(providerId)) {
		throw new ApiError(404, 'NOT_FOUND', 'No such provider');
	}
	const row = await db.linkedAccount.findUnique({
		where: { userId_provider: { userId, provider: providerId } }
	});
	if (!row) throw new ApiError(404, 'NOT_FOUND', 'That service is not connected');
	await db.linkedAccount.delete({ where: { id: row.id } });
	const provider = getProvider(providerId);
	if (provider?.revoke) {
		const token = unsealString(getEnv().secretsKey, row.accessToken);
		try {
			await provider.revoke(token);
		} catch (err) {
			log().warn({ provider: providerId, err: (err as Error).message }, 'token revocation failed');
		}
	}
}
