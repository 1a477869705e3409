import { seal, unseal, type SessionUser } from '@chorus/auth';
import { encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb, getSessions } from '../db.ts';
import { getEnv, publicUrl } from '../env.ts';
import { sendMailLater } from '../mail/mailer.ts';
import { recoveryCodeUsed } from '../mail/templates.ts';
import { assertNotLimited, consume, getLimiters } from '../rate-limit.ts';
import { confirmPassword, toPublic, type AuthMeta } from './service.ts';

/** A session waiting for its second factor lives this long at most. */
export const PENDING_TWO_FACTOR_TTL_MS = 10 * 60 * 1000;

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and next step are accepted too: phone clocks drift. */
const TOTP_WINDOW_STEPS = 1;
/** RFC 4226 recommends 160-bit HMAC-SHA1 keys. */
const TOTP_KEY_BYTES = 20;
const TOTP_ISSUER = 'Chorus';
export const RECOVERY_CODE_COUNT = 10;
/** 12 characters of base32 = 60 bits, above ASVS's 50-bit minimum. */
const RECOVERY_CODE_CHARS = 12;
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** `code` (6 digits) or `recoveryCode`; blank strings (empty form fields) count as absent. */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const secondFactorInput = z.strictObject({
	code: z.preprocess(blankToUndefined, z.string().max(32).optional()),
	recoveryCode: z.preprocess(blankToUndefined, z.string().max(64).optional())
});
export type SecondFactorInput = z.output<typeof secondFactorInput>;

export const setupInput = z.strictObject({
	password: z.preprocess(blankToUndefined, z.string().max(1024).optional())
});
export const codeInput = z.strictObject({
	code: z.string().min(1, 'Enter the code from your app').max(32)
});

/**
 * Every first factor (password, OAuth, password reset) ends here: an account with 2FA gets a
 * short-lived session that is not usable until the code is given (Lucia guide).
 */
export async function startSignInSession(
	user: { id: string; totpEnabledAt: Date | null; disabledAt?: Date | null },
	meta: AuthMeta
) {
	// After the first factor, so only someone who proved it learns the account is disabled.
	if (user.disabledAt) throw accountDisabled();
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

export const accountDisabled = () =>
	new ApiError(
		403,
		'ACCOUNT_DISABLED',
		'This account has been disabled by an administrator of this Chorus instance'
	);

const invalidCode = () => new ApiError(400, 'INVALID_CODE', 'That code is not valid');

/** The time step whose code this is (within the window), or null. */
function matchingStep(key: Uint8Array, code: string, nowMs = Date.now()): bigint | null {
	const digits = code.replace(/\s+/g, '');
	if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits)) return null;
	const current = BigInt(Math.floor(nowMs / 1000 / TOTP_PERIOD_S));
	for (let d = -TOTP_WINDOW_STEPS; d <= TOTP_WINDOW_STEPS; d++) {
		if (verifyHOTP(key, current + BigInt(d), TOTP_DIGITS, digits)) return current + BigInt(d);
	}
	return null;
}

const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '');
const hashRecoveryCode = (code: string) =>
	createHash('sha256').update(normaliseRecoveryCode(code)).digest();

function newRecoveryCodes(): string[] {
	return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
		const bytes = randomBytes(RECOVERY_CODE_CHARS);
		// 256 is a multiple of 32: taking the low 5 bits of each byte is unbiased.
		const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b & 31]).join('');
		return chars.match(/.{4}/g)!.join('-');
	});
}

/**
 * Checks a TOTP code (each time step accepted once, ±1 step) or spends a recovery code (once,
 * even under concurrent use). Throws 400 INVALID_CODE, or 429 when too many were wrong.
 */
export async function verifySecondFactor(
	userId: string,
	input: { code?: string; recoveryCode?: string }
): Promise<{ method: 'totp' | 'recovery' }> {
	if (!input.code && !input.recoveryCode)
		throw new ApiError(400, 'TWO_FACTOR_REQUIRED', 'Enter a code from your app or a recovery code');
	const { totpAccount } = getLimiters();
	const checks: Parameters<typeof consume>[0] = [[totpAccount, userId]];
	await assertNotLimited(checks);

	const db = getDb();
	let accepted = false;
	if (input.code) {
		const user = await db.user.findUnique({ where: { id: userId }, select: { totpKey: true } });
		if (!user?.totpKey) throw new ApiError(409, 'CONFLICT', 'Two-factor authentication is off');
		const step = matchingStep(unseal(getEnv().secretsKey, user.totpKey), input.code);
		// One statement decides: a replayed code, or the same code sent twice at once, cannot
		// both pass, because only one UPDATE can move totp_last_step past this step.
		if (step !== null)
			accepted =
				(await db.$executeRaw`
					UPDATE users SET totp_last_step = ${step}
					WHERE id = ${userId}::uuid AND totp_key IS NOT NULL
						AND (totp_last_step IS NULL OR totp_last_step < ${step})`) === 1;
	} else if (input.recoveryCode) {
		const hash = hashRecoveryCode(input.recoveryCode);
		accepted =
			(await db.$executeRaw`
				UPDATE recovery_codes SET used_at = now()
				WHERE user_id = ${userId}::uuid AND code_hash = ${hash} AND used_at IS NULL`) === 1;
	}
	if (!accepted) {
		await consume(checks).catch((err) => {
			if (!(err instanceof ApiError)) throw err; // the limit is enforced on the next attempt
		});
		throw invalidCode();
	}
	await totpAccount.delete(userId);
	return { method: input.code ? 'totp' : 'recovery' };
}

export async function twoFactorStatus(userId: string) {
	const db = getDb();
	const [user, recoveryCodesLeft] = await Promise.all([
		db.user.findUniqueOrThrow({ where: { id: userId }, select: { totpEnabledAt: true } }),
		db.recoveryCode.count({ where: { userId, usedAt: null } })
	]);
	return { enabled: user.totpEnabledAt !== null, recoveryCodesLeft };
}

export interface TotpSetup {
	/** otpauth:// URI for authenticator apps. */
	uri: string;
	/** The key in base32, to type in by hand. */
	secret: string;
	/** The URI as a QR code (SVG markup). */
	qrSvg: string;
}

async function describeKey(user: Pick<SessionUser, 'email' | 'displayName'>, key: Uint8Array) {
	const uri = createTOTPKeyURI(
		TOTP_ISSUER,
		user.email ?? user.displayName,
		key,
		TOTP_PERIOD_S,
		TOTP_DIGITS
	);
	const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
	return { uri, secret: encodeBase32NoPadding(key), qrSvg } satisfies TotpSetup;
}

/**
 * Starts enrolment: a new key, kept sealed as pending until a code proves the app has it.
 * Asks for the current password (if the account has one), so a borrowed session cannot lock
 * its owner out.
 */
export async function beginSetup(userId: string, password: string | undefined): Promise<TotpSetup> {
	const db = getDb();
	const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
	if (user.totpEnabledAt) throw new ApiError(409, 'CONFLICT', 'Two-factor is already on');
	if (user.passwordHash) {
		if (!password) throw new ApiError(400, 'VALIDATION', 'Enter your current password');
		await confirmPassword({ ...user, passwordHash: user.passwordHash }, password);
	}
	const key = new Uint8Array(randomBytes(TOTP_KEY_BYTES));
	await db.user.update({
		where: { id: userId },
		data: { totpPendingKey: seal(getEnv().secretsKey, key) }
	});
	return describeKey(user, key);
}

/** The enrolment in progress, shown again after a mistyped code. */
export async function pendingSetup(userId: string): Promise<TotpSetup | null> {
	const user = await getDb().user.findUnique({ where: { id: userId } });
	if (!user?.totpPendingKey || user.totpEnabledAt) return null;
	return describeKey(user, unseal(getEnv().secretsKey, user.totpPendingKey));
}

/**
 * Finishes enrolment with a code from the app: turns 2FA on, returns fresh recovery codes
 * (shown once), marks this session verified and signs every other session out, since those
 * never gave a second factor.
 */
export async function confirmSetup(userId: string, sessionId: string, code: string) {
	const db = getDb();
	const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
	if (user.totpEnabledAt) throw new ApiError(409, 'CONFLICT', 'Two-factor is already on');
	if (!user.totpPendingKey) throw new ApiError(409, 'CONFLICT', 'Start the setup first');
	const { totpAccount } = getLimiters();
	const checks: Parameters<typeof consume>[0] = [[totpAccount, userId]];
	await assertNotLimited(checks);
	const step = matchingStep(unseal(getEnv().secretsKey, user.totpPendingKey), code);
	if (step === null) {
		await consume(checks).catch((err) => {
			if (!(err instanceof ApiError)) throw err;
		});
		throw invalidCode();
	}
	const recoveryCodes = newRecoveryCodes();
	await db.$transaction(async (tx) => {
		// Guarded on the pending key we checked, so a concurrent second setup cannot slip in.
		const { count } = await tx.user.updateMany({
			where: { id: userId, totpEnabledAt: null, totpPendingKey: user.totpPendingKey },
			data: {
				totpKey: user.totpPendingKey,
				totpPendingKey: null,
				totpEnabledAt: new Date(),
				totpLastStep: step
			}
		});
		if (count !== 1) throw new ApiError(409, 'CONFLICT', 'The setup changed, start again');
		await tx.recoveryCode.deleteMany({ where: { userId } });
		await tx.recoveryCode.createMany({
			data: recoveryCodes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) }))
		});
		await tx.session.updateMany({ where: { id: sessionId }, data: { twoFactorVerified: true } });
		await tx.session.deleteMany({ where: { userId, id: { not: sessionId } } });
	});
	await totpAccount.delete(userId);
	return { recoveryCodes };
}

/** New recovery codes (the old ones stop working); needs a current code from the app. */
export async function regenerateRecoveryCodes(userId: string, code: string) {
	await verifySecondFactor(userId, { code });
	const recoveryCodes = newRecoveryCodes();
	await getDb().$transaction([
		getDb().recoveryCode.deleteMany({ where: { userId } }),
		getDb().recoveryCode.createMany({
			data: recoveryCodes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) }))
		})
	]);
	return { recoveryCodes };
}

/** Turns 2FA off; needs a current code (or a recovery code), not just a session. */
export async function disableTwoFactor(userId: string, input: SecondFactorInput): Promise<void> {
	await verifySecondFactor(userId, input);
	await getDb().$transaction([
		getDb().user.update({
			where: { id: userId },
			data: { totpKey: null, totpPendingKey: null, totpEnabledAt: null, totpLastStep: null }
		}),
		getDb().recoveryCode.deleteMany({ where: { userId } })
	]);
}

/**
 * The second step of signing in: the pending session is replaced by a NEW verified one (a
 * token that was ever half-signed-in never becomes a full session: no fixation).
 */
export async function completeSignIn(
	pending: { user: SessionUser; session: { id: string } },
	input: SecondFactorInput,
	meta: AuthMeta
) {
	const { method } = await verifySecondFactor(pending.user.id, input);
	const sessions = getSessions();
	await sessions.invalidate(pending.session.id);
	const { token, session } = await sessions.create(pending.user.id, meta, {
		twoFactorVerified: true
	});
	const user = toPublic(pending.user);
	if (method === 'totp') return { user, token, session, recoveryCodeUsed: false as const };
	// A recovery code usually means a lost or wiped authenticator: the owner is told (by mail,
	// in case it was not them) and sent to review 2FA; fewer codes are left for next time.
	const { recoveryCodesLeft } = await twoFactorStatus(pending.user.id);
	if (pending.user.email) {
		sendMailLater({
			to: pending.user.email,
			...recoveryCodeUsed(
				pending.user.displayName,
				recoveryCodesLeft,
				publicUrl(REVIEW_PATH),
				pending.user.locale
			)
		});
	}
	return { user, token, session, recoveryCodeUsed: true as const, recoveryCodesLeft };
}

/** Where a sign-in with a recovery code lands: the 2FA settings, with a notice. */
export const REVIEW_PATH = '/account/two-factor';
export const reviewAfterRecoveryUrl = (next: string) =>
	`${REVIEW_PATH}?recovery-code-used=1&redirectTo=${encodeURIComponent(next)}`;
