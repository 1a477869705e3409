import { z } from 'zod';
import { ApiError } from '../api/errors.ts';
import { getDb } from '../db.ts';
import { getEnv } from '../env.ts';
import { recordAudit } from './audit.ts';
import type { Actor } from './roles.ts';

export const REGISTRATION_MODES = ['open', 'invite_only', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

export const registrationSettingSchema = z.object({
	mode: z.enum(REGISTRATION_MODES),
	/** 'setting' once an admin chose; 'env' while REGISTRATION_MODE (or its default) applies. */
	source: z.enum(['setting', 'env'])
});
export type RegistrationSetting = z.infer<typeof registrationSettingSchema>;

export const settingsInput = z.strictObject({
	/** null: back to the REGISTRATION_MODE default. */
	registrationMode: z.enum(REGISTRATION_MODES).nullable()
});

export async function getRegistrationSetting(): Promise<RegistrationSetting> {
	const row = await getDb().instanceSettings.findUnique({ where: { id: 1 } });
	return row?.registrationMode
		? { mode: row.registrationMode, source: 'setting' }
		: { mode: getEnv().REGISTRATION_MODE, source: 'env' };
}

export async function setRegistrationMode(
	actor: Actor,
	mode: RegistrationMode | null
): Promise<RegistrationSetting> {
	const db = getDb();
	await db.$transaction(async (tx) => {
		const before = await tx.instanceSettings.findUnique({ where: { id: 1 } });
		await tx.instanceSettings.upsert({
			where: { id: 1 },
			create: { id: 1, registrationMode: mode, updatedBy: actor.id },
			update: { registrationMode: mode, updatedBy: actor.id, updatedAt: new Date() }
		});
		await recordAudit(tx, actor, {
			action: 'settings.registration',
			targetType: 'instance',
			targetLabel: 'Registration mode',
			details: {
				from: before?.registrationMode ?? null,
				to: mode,
				default: getEnv().REGISTRATION_MODE
			}
		});
	});
	return getRegistrationSetting();
}

/**
 * How a new account comes to be: the sign-up form or a new OAuth identity ('account'), an
 * anonymous visitor joining from a room invite link ('guest'), or such a guest adding an email
 * and password ('claim').
 *
 * open: everything. invite_only: no sign-up form; people come in through room invite links (as
 * guests) and may then claim their account. closed: nobody new, and guests cannot claim.
 * Always allowed: the very first account (someone has to become admin), and ADMIN_EMAILS.
 */
export type SignUpKind = 'account' | 'guest' | 'claim';

export async function assertSignUpAllowed(kind: SignUpKind, email?: string | null): Promise<void> {
	const { mode } = await getRegistrationSetting();
	if (mode === 'open') return;
	if (mode === 'invite_only' && kind !== 'account') return;
	if (email && getEnv().ADMIN_EMAILS.includes(email.toLowerCase())) return;
	if (kind === 'account') {
		const accounts = await getDb().user.count({ where: { isGuest: false, deletedAt: null } });
		if (accounts === 0) return;
	}
	throw new ApiError(
		403,
		'REGISTRATION_CLOSED',
		mode === 'closed'
			? 'This Chorus instance is not accepting new accounts'
			: 'Sign-up on this Chorus instance is by invitation: open a room invite link to join'
	);
}
