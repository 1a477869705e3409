import { hashPassword } from '@chorus/auth';
import { emailSchema, passwordSchema } from '@chorus/protocol';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { assertStrongPassword } from '../auth/service.ts';
import { verifySecondFactor } from '../auth/two-factor.ts';
import { getDb } from '../db.ts';
import { publicUrl } from '../env.ts';
import { sendMailLater } from '../mail/mailer.ts';
import { passwordChanged, resetPassword } from '../mail/templates.ts';
import { consume, getLimiters } from '../rate-limit.ts';
import {
	findLiveToken,
	hashToken,
	invalidToken,
	issueToken,
	RESET_TTL_MS,
	spendToken,
	tokenField
} from './tokens.ts';

export const resetRequestInput = z.strictObject({ email: emailSchema });

export const resetCheckInput = z.strictObject({ token: tokenField });

export const resetConfirmInput = z.strictObject({
	token: tokenField,
	password: passwordSchema,
	code: z
		.string()
		.trim()
		.max(32)
		.optional()
		.transform((v) => v || undefined),
	recoveryCode: z
		.string()
		.trim()
		.max(64)
		.optional()
		.transform((v) => v || undefined)
});

export const RESET_REQUESTED_MESSAGE =
	'If an account uses this address, we sent it a link to reset the password. It works for 15 minutes.';

/**
 * Always the same answer, whether or not the address has an account (no account enumeration).
 * Both paths do a lookup and a token-sized write/read so they take about the same time; the
 * mail itself goes out in the background.
 */
export async function requestPasswordReset(email: string, ip: string): Promise<void> {
	const { emailAccount, emailIp } = getLimiters();
	// Limited per address too, known or not, so the 429 says nothing about the account either.
	await consume([
		[emailAccount, `reset:${email}`],
		[emailIp, ip]
	]);
	const db = getDb();
	const user = await db.user.findUnique({ where: { email } });
	if (!user || user.deletedAt || user.isGuest) {
		await db.emailToken.findUnique({
			where: { tokenHash: hashToken(randomBytes(32).toString('base64url')) }
		});
		return;
	}
	const token = await issueToken(user.id, 'reset', email, RESET_TTL_MS);
	sendMailLater({
		to: email,
		...resetPassword(user.displayName, publicUrl('/reset-password', { token }), user.locale)
	});
}

async function liveResetToken(token: string) {
	const row = await findLiveToken(token, ['reset']);
	// The link was for the address the account had then; after an email change it is stale.
	if (!row || row.user.email !== row.email) return null;
	return row;
}

/** For the reset page: is the link still good, and will it ask for a second factor? */
export async function checkResetToken(
	token: string
): Promise<{ valid: boolean; twoFactorRequired: boolean }> {
	const row = await liveResetToken(token);
	return { valid: !!row, twoFactorRequired: !!row?.user.totpEnabledAt };
}

/**
 * Sets the new password. The token is spent in the same transaction (exactly one of concurrent
 * uses succeeds); every session of the account is deleted (the DB trigger makes realtime drop
 * their sockets); the address counts as verified (the link proved control of the inbox).
 * The user is NOT signed in: they sign in with the new password (and 2FA) like any other time,
 * so a reset never becomes a way around the normal sign-in path.
 */
export async function confirmPasswordReset(
	input: z.output<typeof resetConfirmInput>
): Promise<void> {
	const row = await liveResetToken(input.token);
	if (!row) throw invalidToken();
	// Before the second factor, so a refused password does not spend a code.
	assertStrongPassword(input.password, { email: row.email, displayName: row.user.displayName });
	if (row.user.totpEnabledAt) {
		// An inbox alone must not be enough to take over an account protected by 2FA.
		if (!input.code && !input.recoveryCode)
			throw new ApiError(
				400,
				'TWO_FACTOR_REQUIRED',
				'Enter a code from your authenticator app or a recovery code'
			);
		await verifySecondFactor(row.userId, { code: input.code, recoveryCode: input.recoveryCode });
	}
	const passwordHash = await hashPassword(input.password);
	await getDb().$transaction(async (tx) => {
		await spendToken(tx, row.id);
		await tx.user.update({
			where: { id: row.userId },
			data: { passwordHash, emailVerifiedAt: row.user.emailVerifiedAt ?? new Date() }
		});
		await tx.emailToken.updateMany({
			where: { userId: row.userId, purpose: 'reset', usedAt: null },
			data: { usedAt: new Date() }
		});
		await tx.session.deleteMany({ where: { userId: row.userId } });
	});
	// Tell the owner: a reset they did not ask for is how they learn their inbox was used.
	sendMailLater({ to: row.email, ...passwordChanged(row.user.displayName, row.user.locale) });
}
