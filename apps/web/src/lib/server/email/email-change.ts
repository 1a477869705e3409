import { emailSchema } from '@chorus/protocol';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { confirmPassword } from '../auth/service.ts';
import { getDb } from '../db.ts';
import { publicUrl } from '../env.ts';
import { sendMailLater } from '../mail/mailer.ts';
import { changeEmail, emailChangeRequested } from '../mail/templates.ts';
import { consume, getLimiters } from '../rate-limit.ts';
import { CHANGE_TTL_MS, issueToken } from './tokens.ts';

export const emailChangeInput = z.strictObject({
	email: emailSchema,
	currentPassword: z.string().max(1024).optional()
});

/**
 * Starts an email change: the new address gets a confirmation link (the change happens only
 * when it is used) and the old address a notice, so a hijacked session cannot silently move
 * the account (and its password resets) to another inbox.
 */
export async function requestEmailChange(
	userId: string,
	input: z.output<typeof emailChangeInput>,
	ip: string
): Promise<void> {
	const { emailAccount, emailIp } = getLimiters();
	// Spent before the password check, so this is no faster way to guess the password than login.
	await consume([
		[emailAccount, `change:${userId}`],
		[emailIp, ip]
	]);
	const db = getDb();
	const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
	if (!user.email || user.isGuest)
		throw new ApiError(409, 'CONFLICT', 'Claim your guest account first');
	if (user.passwordHash) {
		await confirmPassword({ ...user, passwordHash: user.passwordHash }, input.currentPassword);
	}
	if (input.email === user.email)
		throw new ApiError(400, 'VALIDATION', 'This already is your email address');
	if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } }))
		throw new ApiError(409, 'EMAIL_TAKEN', 'An account with this email already exists');

	const token = await issueToken(user.id, 'change', input.email, CHANGE_TTL_MS);
	sendMailLater({
		to: input.email,
		...changeEmail(
			user.displayName,
			input.email,
			publicUrl('/verify-email', { token }),
			user.locale
		)
	});
	sendMailLater({
		to: user.email,
		...emailChangeRequested(user.displayName, input.email, user.locale)
	});
}
