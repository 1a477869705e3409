import { ApiError } from '../api/errors.ts';
import { getSessions } from '../db.ts';
import type { AuthMeta } from './service.ts';

/** A session waiting for its second factor lives this long at most. */
export const PENDING_TWO_FACTOR_TTL_MS = 10 * 60 * 1000;

/**
 * Every first factor (password, OAuth, password reset) ends here: an account with 2FA gets a
 * short-lived session that is not usable until the code is given (Lucia guide).
 */
export async function startSignInSession(
	user: { id: string; totpEnabledAt: Date | null },
	meta: AuthMeta
) {
	const twoFactorRequired = user.totpEnabledAt !== null;
	const { token, session } = await getSessions().create(
		user.id,
		meta,
		twoFactorRequired
			? { twoFactorVerified: false, maxAgeMs: PENDING_TWO_FACTOR_TTL_MS }
			: { twoFactorVerified: false }
	);
	return { token, session, twoFactorRequired };
}

/**
 * Checks a TOTP code (each time step accepted once, ±1 step) or spends a recovery code (once,
 * even under concurrent use). Throws 400 INVALID_CODE, or 429 when too many were wrong.
 */
export async function verifySecondFactor(
	userId: string,
	input: { code?: string; recoveryCode?: string }
): Promise<void> {
	void userId;
	void input;
	throw new ApiError(501, 'NOT_CONFIGURED', 'Two-factor verification is not implemented yet');
}
