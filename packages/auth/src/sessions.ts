import type { Db, Session, User } from '@chorus/db';
import {
	constantTimeEqual,
	generateSecureRandomString,
	hashSecret,
	parseSessionToken
} from './tokens.ts';

export const SESSION_COOKIE_NAME = 'chorus_session';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SessionPolicy {
	/** A session unused for this long expires (sliding). */
	inactivityTimeoutMs: number;
	/** A session never lives longer than this, however active. */
	absoluteMaxAgeMs: number;
	/** Expiry is pushed forward at most this often, to avoid a write per request. */
	extendIntervalMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
	inactivityTimeoutMs: 30 * DAY_MS,
	absoluteMaxAgeMs: 90 * DAY_MS,
	extendIntervalMs: 60 * 60 * 1000
};

export type SessionUser = Pick<
	User,
	| 'id'
	| 'email'
	| 'displayName'
	| 'isGuest'
	| 'emailVerifiedAt'
	| 'avatarUpdatedAt'
	| 'totpEnabledAt'
	| 'locale'
>;

const SESSION_USER_SELECT = {
	id: true,
	email: true,
	displayName: true,
	isGuest: true,
	emailVerifiedAt: true,
	avatarUpdatedAt: true,
	totpEnabledAt: true,
	locale: true
} as const;

export interface CreateSessionOptions {
	/** The second factor was given (or the account has none to give). */
	twoFactorVerified?: boolean;
	/** Shorter life than the policy, e.g. for a session waiting for its second factor. */
	maxAgeMs?: number;
}

export interface ValidatedSession {
	session: Session;
	user: SessionUser;
	/** True when expiresAt moved forward and the cookie should be re-issued. */
	extended: boolean;
}

export type SessionStanding = { validUntilMs: number } | 'expired' | 'gone';

export interface SessionMeta {
	userAgent?: string | null;
	ip?: string | null;
}

export interface SessionServiceOptions {
	policy?: Partial<SessionPolicy>;
	now?: () => Date;
}

export type SessionService = ReturnType<typeof createSessionService>;

export function createSessionService(db: Db, options: SessionServiceOptions = {}) {
	const policy = { ...DEFAULT_SESSION_POLICY, ...options.policy };
	const now = options.now ?? (() => new Date());

	function expiryFor(createdAt: Date, at: Date): Date {
		return new Date(
			Math.min(
				at.getTime() + policy.inactivityTimeoutMs,
				createdAt.getTime() + policy.absoluteMaxAgeMs
			)
		);
	}

	return {
		policy,

		async create(
			userId: string,
			meta: SessionMeta = {},
			options: CreateSessionOptions = {}
		): Promise<{ token: string; session: Session }> {
			const id = generateSecureRandomString();
			const secret = generateSecureRandomString();
			const createdAt = now();
			const expiresAt = expiryFor(createdAt, createdAt);
			if (options.maxAgeMs !== undefined)
				expiresAt.setTime(Math.min(expiresAt.getTime(), createdAt.getTime() + options.maxAgeMs));
			const session = await db.session.create({
				data: {
					id,
					userId,
					secretHash: hashSecret(secret),
					createdAt,
					lastSeenAt: createdAt,
					expiresAt,
					userAgent: meta.userAgent?.slice(0, 512) ?? null,
					ip: meta.ip ?? null,
					twoFactorVerified: options.twoFactorVerified ?? false
				}
			});
			return { token: `${id}.${secret}`, session };
		},

		async validate(token: string | undefined | null): Promise<ValidatedSession | null> {
			const parsed = parseSessionToken(token);
			if (!parsed) return null;
			const row = await db.session.findUnique({
				where: { id: parsed.id },
				include: { user: { select: { ...SESSION_USER_SELECT, disabledAt: true } } }
			});
			if (!row) return null;
			if (!constantTimeEqual(hashSecret(parsed.secret), row.secretHash)) return null;
			// Disabling deletes the sessions too; this covers one created in between.
			if (row.user.disabledAt) {
				await db.session.deleteMany({ where: { id: row.id } });
				return null;
			}

			const at = now();
			const hardLimit = row.createdAt.getTime() + policy.absoluteMaxAgeMs;
			if (at.getTime() >= row.expiresAt.getTime() || at.getTime() >= hardLimit) {
				await db.session.deleteMany({ where: { id: row.id } });
				return null;
			}

			const {
				user: { disabledAt: _disabled, ...user },
				...session
			} = row;
			if (at.getTime() - row.lastSeenAt.getTime() < policy.extendIntervalMs) {
				return { session, user, extended: false };
			}
			const expiresAt = expiryFor(row.createdAt, at);
			await db.session.updateMany({
				where: { id: row.id },
				data: { lastSeenAt: at, expiresAt }
			});
			return { session: { ...session, lastSeenAt: at, expiresAt }, user, extended: true };
		},

		/**
		 * Whether each session still signs its user in, without extending it: until when it does
		 * (the earlier of its idle expiry and its absolute limit), or why not — 'expired' (idle or
		 * absolute limit passed), 'gone' (deleted, or waiting for its second factor).
		 */
		async standing(ids: readonly string[]): Promise<Map<string, SessionStanding>> {
			const rows = await db.session.findMany({
				where: { id: { in: [...ids] } },
				select: {
					id: true,
					createdAt: true,
					expiresAt: true,
					twoFactorVerified: true,
					user: { select: { totpEnabledAt: true, disabledAt: true } }
				}
			});
			const at = now().getTime();
			const out = new Map<string, SessionStanding>(ids.map((id) => [id, 'gone']));
			for (const row of rows) {
				const until = Math.min(
					row.expiresAt.getTime(),
					row.createdAt.getTime() + policy.absoluteMaxAgeMs
				);
				if (awaitingSecondFactor({ session: row, user: row.user }) || row.user.disabledAt) continue;
				out.set(row.id, at >= until ? 'expired' : { validUntilMs: until });
			}
			return out;
		},

		/** Until when a just-validated session signs in (the earlier of idle expiry and max age). */
		validUntilMs(session: Pick<Session, 'createdAt' | 'expiresAt'>): number {
			return Math.min(
				session.expiresAt.getTime(),
				session.createdAt.getTime() + policy.absoluteMaxAgeMs
			);
		},

		async invalidate(sessionId: string): Promise<void> {
			await db.session.deleteMany({ where: { id: sessionId } });
		},

		async invalidateAllForUser(userId: string): Promise<void> {
			await db.session.deleteMany({ where: { userId } });
		}
	};
}

/**
 * A session of an account with two-factor authentication only counts as signed in once its
 * second factor was given (Lucia guide); until then it may only finish signing in. Accounts
 * without 2FA are unaffected whatever the flag says.
 */
export function awaitingSecondFactor(result: {
	session: Pick<Session, 'twoFactorVerified'>;
	user: Pick<SessionUser, 'totpEnabledAt'>;
}): boolean {
	return result.user.totpEnabledAt !== null && !result.session.twoFactorVerified;
}
