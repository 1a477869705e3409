import {
	burnPasswordVerification,
	hashPassword,
	verifyPassword,
	type SessionMeta,
	type SessionUser
} from '@chorus/auth';
// A subpath: the dictionaries load only where passwords are set (not in the realtime service).
import { passwordStrength } from '@chorus/auth/password-strength';
import { isUniqueViolation } from '@chorus/db';
import { displayNameSchema, emailSchema, passwordSchema, type PublicUser } from '@chorus/protocol';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb, getSessions } from '../db.ts';
import { sendVerification } from '../email/verification.ts';
import { assertNotLimited, consume, getLimiters } from '../rate-limit.ts';
import { assertSignUpAllowed } from '../admin/settings.ts';
import { grantFirstAdmin } from '../admin/roles.ts';
import { startSignInSession } from './two-factor.ts';
import { requestLocale } from '../i18n.ts';

export const registerInput = z.strictObject({
	email: emailSchema,
	password: passwordSchema,
	displayName: displayNameSchema
});

// Login does not enforce the registration rules on the password: a wrong password is 401, not 400.
export const loginInput = z.strictObject({
	email: emailSchema,
	password: z.string().min(1, 'Password is required').max(1024)
});

export const displayNameInput = z.strictObject({ displayName: displayNameSchema });

const toPublic = (u: SessionUser): PublicUser => ({
	id: u.id,
	email: u.email,
	displayName: u.displayName,
	isGuest: u.isGuest,
	emailVerified: u.emailVerifiedAt !== null,
	avatarUrl: u.avatarUpdatedAt
		? `/api/v1/users/${u.id}/avatar?v=${u.avatarUpdatedAt.getTime()}`
		: null,
	twoFactorEnabled: u.totpEnabledAt !== null
});

/**
 * Every place a password is set (sign-up, reset, change, guest claim) calls this before hashing:
 * common, breached-like or account-derived passwords are refused with 422 WEAK_PASSWORD.
 */
export function assertStrongPassword(
	password: string,
	account: { email?: string | null; displayName?: string | null },
	field = 'password'
): void {
	const verdict = passwordStrength(password, [account.email, account.displayName]);
	if (verdict.ok) return;
	const why = verdict.warning ?? 'It would be easy to guess.';
	const hint =
		verdict.suggestions[0] ?? 'Use a few uncommon words together, or a password manager.';
	throw new ApiError(422, 'WEAK_PASSWORD', `Choose a stronger password. ${why} ${hint}`, {}, [
		{ path: [field], message: why }
	]);
}

export interface AuthMeta extends SessionMeta {
	ip: string;
}

export async function register(input: z.output<typeof registerInput>, meta: AuthMeta) {
	const { registerIp } = getLimiters();
	await consume([[registerIp, meta.ip]]);
	await assertSignUpAllowed('account', input.email);
	assertStrongPassword(input.password, input);
	const passwordHash = await hashPassword(input.password);
	try {
		const user = await getDb().$transaction(async (tx) => {
			const created = await tx.user.create({
				// The language they signed up in is the account's: its mail is written in it.
				data: {
					email: input.email,
					displayName: input.displayName,
					passwordHash,
					locale: requestLocale()
				}
			});
			await grantFirstAdmin(tx, created.id);
			return created;
		});
		// The account works right away; it is marked unverified until the mailed link is used.
		await sendVerification({
			id: user.id,
			email: input.email,
			displayName: user.displayName,
			locale: user.locale
		});
		const { token, session } = await getSessions().create(user.id, meta);
		return { user: toPublic(user), token, session };
	} catch (err) {
		if (isUniqueViolation(err))
			throw new ApiError(409, 'EMAIL_TAKEN', 'An account with this email already exists');
		throw err;
	}
}

const INVALID = () => new ApiError(401, 'INVALID_CREDENTIALS', 'Wrong email or password');

export async function login(input: z.output<typeof loginInput>, meta: AuthMeta) {
	const { loginAccount, loginIp } = getLimiters();
	const checks: Parameters<typeof consume>[0] = [
		[loginAccount, input.email],
		[loginIp, meta.ip]
	];
	await assertNotLimited(checks);

	const user = await getDb().user.findUnique({ where: { email: input.email } });
	// Unknown email and wrong password take the same time and give the same answer.
	const valid = user?.passwordHash
		? await verifyPassword(user.passwordHash, input.password)
		: await burnPasswordVerification(input.password);
	if (!user || !user.passwordHash || !valid) {
		await consume(checks).catch((err) => {
			if (!(err instanceof ApiError)) throw err; // the limit is enforced on the next attempt
		});
		throw INVALID();
	}
	await loginAccount.delete(input.email);
	// With 2FA on, the password only earns a short pending session: no user until the code.
	const { token, session, twoFactorRequired } = await startSignInSession(user, meta);
	return { user: twoFactorRequired ? null : toPublic(user), token, session, twoFactorRequired };
}

/**
 * A signed-in user re-enters their password before a sensitive change (new password, 2FA,
 * email, deletion). Wrong or missing guesses spend the account's sign-in budget (429 once it is
 * spent), so a borrowed session is no faster way to guess the password than the sign-in form.
 */
export async function confirmPassword(
	user: { id: string; email: string | null; passwordHash: string },
	password: string | undefined
): Promise<void> {
	const { loginAccount } = getLimiters();
	const checks: Parameters<typeof consume>[0] = [[loginAccount, user.email ?? user.id]];
	await assertNotLimited(checks);
	if (password && (await verifyPassword(user.passwordHash, password))) return;
	await consume(checks).catch((err) => {
		if (!(err instanceof ApiError)) throw err; // the limit is enforced on the next attempt
	});
	throw new ApiError(400, 'INVALID_CREDENTIALS', 'Your current password is wrong');
}

export async function logout(sessionId: string): Promise<void> {
	await getSessions().invalidate(sessionId);
}

export async function updateDisplayName(userId: string, displayName: string): Promise<PublicUser> {
	const user = await getDb().user.update({ where: { id: userId }, data: { displayName } });
	return toPublic(user);
}

export { toPublic };
