import { error } from '@sveltejs/kit';
import { devMailbox, devMailboxEnabled } from '$lib/server/mail/mailer';
import type { PageServerLoad } from './$types';

// Development without SMTP_URL only: anywhere else the page does not exist.
export const load: PageServerLoad = () => {
	if (!devMailboxEnabled()) error(404, 'Not found');
	return { mails: devMailbox().map((m) => ({ ...m })) };
};
