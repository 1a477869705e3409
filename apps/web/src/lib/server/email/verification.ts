import { isUniqueViolation } from '@chorus/db';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { publicUrl } from '../env.ts';
import { sendMailLater } from '../mail/mailer.ts';
import { verifyEmail } from '../mail/templates.ts';
import { consume, getLimiters } from '../rate-limit.ts';
import {
	findLiveToken,
	invalidToken,
	issueToken,
	spendToken,
	tokenField,
	VERIFY_TTL_MS
} from './tokens.ts';

export const confirmEmailInput = z.strictObject({ token: tokenField });

/** Mails a fresh verification link (older links stop working). */
export async function sendVerification(user: {
	id: string;
	email: string;
	displayName: string;
	locale: string | null;
}): Promise<void> {
	const token = await issueToken(user.id, 'verify', user.email, VERIFY_TTL_MS);
	sendMailLater({
		to: user.email,
		...verifyEmail(user.displayName, publicUrl('/verify-email', { token }), user.locale)
	});
}

export async function resendVerification(
	user: {
		id: string;
		email: string | null;
		displayName: string;
		emailVerifiedAt: Date | null;
		locale: string | null;
	},
	ip: string
): Promise<void> {
	if (!user.email) throw new ApiError(409, 'CONFLICT', 'This account has no email address');
	if (user.emailVerifiedAt) throw new ApiError(409, 'CONFLICT', 'Your email is already verified');
	const { emailAccount, emailIp } = getLimiters();
	await consume([
		[emailAccount, `verify:${user.id}`],
		[emailIp, ip]
	]);
	await sendVerification({
		id: user.id,
		email: user.email,
		displayName: user.displayName,
		locale: user.locale
	});
}

/** A live verify or change link; a verification link sent to an address since changed is stale. */
async function liveEmailToken(token: string) {
	const row = await findLiveToken(token, ['verify', 'change']);
	return !row || (row.purpose === 'verify' && row.user.email !== row.email) ? null : row;
}

/**
 * What a verify/change link is for, without spending it: the page shows a button that POSTs,
 * because mail scanners fetch links (a GET must not confirm anything).
 */
export async function peekEmailToken(token: string) {
	const row = await liveEmailToken(token);
	if (!row) return null;
	return { purpose: row.purpose as 'verify' | 'change', email: row.email };
}

/**
 * Confirms a verification link (the address is verified) or an email change link (the account
 * takes the new, now verified, address). Single use; 409 EMAIL_TAKEN if someone took the new
 * address in the meantime (the link then stays usable, so nothing is lost by retrying later).
 */
export async function confirmEmailToken(token: string) {
	const row = await liveEmailToken(token);
	if (!row) throw invalidToken();
	try {
		await getDb().$transaction(async (tx) => {
			await spendToken(tx, row.id);
			await tx.user.update({
				where: { id: row.userId },
				data: { email: row.email, emailVerifiedAt: new Date() }
			});
			if (row.purpose === 'change') {
				// Links sent to the old address (verification, reset) are for an address no longer ours.
				await tx.emailToken.updateMany({
					where: { userId: row.userId, usedAt: null, purpose: { in: ['verify', 'reset'] } },
					data: { usedAt: new Date() }
				});
			}
		});
	} catch (err) {
		if (isUniqueViolation(err))
			throw new ApiError(409, 'EMAIL_TAKEN', 'Another account uses this email address now');
		throw err;
	}
	return { purpose: row.purpose as 'verify' | 'change', email: row.email };
}
