import { json } from '@sveltejs/kit';
import { adminEndpoint } from '$lib/server/admin/http';
import {
	getRegistrationSetting,
	setRegistrationMode,
	settingsInput
} from '$lib/server/admin/settings';
import { getEnv } from '$lib/server/env';
import { methodNotAllowed, readJson } from '$lib/server/api/http';

const settings = async () => ({
	registration: await getRegistrationSetting(),
	guestRetentionDays: getEnv().GUEST_RETENTION_DAYS
});

export const GET = adminEndpoint(async () => json(await settings()));

export const PATCH = adminEndpoint(async (event, actor) => {
	const input = await readJson(event.request, settingsInput);
	await setRegistrationMode(actor, input.registrationMode);
	return json(await settings());
});

export const fallback = methodNotAllowed;
