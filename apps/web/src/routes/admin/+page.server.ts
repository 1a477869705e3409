import { z } from 'zod';
import { cleanupGuests } from '$lib/server/admin/guests';
import { adminAction, adminForPage } from '$lib/server/admin/pages';
import {
	getRegistrationSetting,
	REGISTRATION_MODES,
	setRegistrationMode
} from '$lib/server/admin/settings';
import { storageUsage } from '$lib/server/admin/storage';
import { getEnv } from '$lib/server/env';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await adminForPage(event);
	const env = getEnv();
	return {
		storage: await storageUsage(),
		registration: await getRegistrationSetting(),
		registrationDefault: env.REGISTRATION_MODE,
		guestRetentionDays: env.GUEST_RETENTION_DAYS,
		guestCleanupIntervalMinutes: env.GUEST_CLEANUP_INTERVAL_MINUTES
	};
};

export const actions: Actions = {
	registration: adminAction(
		z.strictObject({ mode: z.enum([...REGISTRATION_MODES, 'default']) }),
		async (actor, { mode }) => {
			const setting = await setRegistrationMode(actor, mode === 'default' ? null : mode);
			return { saved: setting.mode };
		}
	),
	cleanup: adminAction(
		z.strictObject({ olderThanDays: z.coerce.number().int().min(1).max(3650) }),
		async (actor, { olderThanDays }) => ({ cleaned: await cleanupGuests(actor, olderThanDays) })
	)
};
