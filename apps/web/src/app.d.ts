import type { Session } from '@chorus/db';
import type { SessionUser } from '@chorus/auth';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
			requestId?: string;
		}
		interface Locals {
			requestId: string;
			user: SessionUser | null;
			session: Session | null;
			/** A session that gave its password but still owes its second factor. */
			pendingTwoFactor: { user: SessionUser; session: Session } | null;
		}
	}
}

export {};
