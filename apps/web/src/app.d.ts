import type { Session } from '@chorus/db';
import type { SessionUser } from '@chorus/auth';
import type { IncomingMessage } from 'node:http';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
			requestId?: string;
		}
		/** adapter-node's: the Node request (its socket is the TCP peer). Absent under Vite. */
		interface Platform {
			req?: IncomingMessage;
		}
		interface Locals {
			requestId: string;
			/** The language of this request (lib/server/i18n.ts). */
			locale: import('$lib/paraglide/runtime').Locale;
			user: SessionUser | null;
			session: Session | null;
			/** A session that gave its password but still owes its second factor. */
			pendingTwoFactor: { user: SessionUser; session: Session } | null;
		}
	}
}

export {};
