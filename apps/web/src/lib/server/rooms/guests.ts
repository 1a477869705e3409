import { hashPassword, type SessionUser } from '@chorus/auth';
import { isUniqueViolation } from '@chorus/db';
import { emailSchema, passwordSchema, type PublicUser } from '@chorus/protocol';
import { z } from 'zod';
import { assertSignUpAllowed } from '../admin/settings.ts';
import { ApiError } from '../api/errors.ts';
import { assertStrongPassword, toPublic } from '../auth/service.ts';
import { getDb } from '../db.ts';
import { sendVerification } from '../email/verification.ts';

export const claimInput = z.strictObject({ email: emailSchema, password: passwordSchema });

const notGuest = () =>
	new ApiError(409, 'CONFLICT', 'This account already has an email and password');

/**
 * Turns a guest account (made from an invite with only a display name) into a full one. The id
 * stays, so memberships, queued tracks and chat stay theirs, and so does the current session.
 */
export async function claimGuest(
	user: SessionUser,
	input: z.output<typeof claimInput>
): Promise<PublicUser> {
	if (!user.isGuest) throw notGuest();
	await assertSignUpAllowed('claim', input.email);
	assertStrongPassword(input.password, { email: input.email, displayName: user.displayName });
	const passwordHash = await hashPassword(input.password);
	const db = getDb();
	try {
		// Conditional on is_guest, so two concurrent claims cannot both win.
		const { count } = await db.user.updateMany({
			where: { id: user.id, isGuest: true },
			data: { email: input.email, passwordHash, isGuest: false }
		});
		if (count === 0) throw notGuest();
	} catch (err) {
		if (isUniqueViolation(err))
			throw new ApiError(409, 'EMAIL_TAKEN', 'An account with this email already exists');
		throw err;
	}
	// Like a sign-up: the address works at once and is marked until the mailed link is followed.
	await sendVerification({
		id: user.id,
		email: input.email,
		displayName: user.displayName,
		locale: user.locale
	});
	return toPublic(await db.user.findUniqueOrThrow({ where: { id: user.id } }));
}
