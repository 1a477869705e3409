import { redirect, type Action, type ServerLoadEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { formAction, safeRedirect } from '../forms.ts';
import { setSessionCookie } from './cookies.ts';
import { reviewAfterRecoveryUrl } from './two-factor.ts';
import type { AuthMeta } from './service.ts';

/** Sign-in and sign-up pages send people who are already signed in on their way. */
export function redirectSignedIn({ locals, url }: Pick<ServerLoadEvent, 'locals' | 'url'>): void {
	if (locals.user) redirect(303, safeRedirect(url.searchParams.get('redirectTo')));
}

/**
 * A form action that starts a session (sign-in, sign-up) with the same service as the JSON
 * API, then follows `?redirectTo=`. `keep` lists the non-secret fields to refill on failure.
 */
export function sessionAction<S extends z.ZodType>(
	schema: S,
	start: (
		input: z.output<S>,
		meta: AuthMeta
	) => Promise<{
		token: string;
		session: { expiresAt: Date };
		twoFactorRequired?: boolean;
		recoveryCodeUsed?: boolean;
	}>,
	keep: string[]
): Action {
	return async ({ request, cookies, getClientAddress, url }) => {
		const userAgent = request.headers.get('user-agent');
		let twoFactorRequired = false;
		let recoveryCodeUsed = false;
		const result = await formAction(
			request,
			schema,
			async (input) => {
				const started = await start(input, { ip: getClientAddress(), userAgent });
				setSessionCookie(cookies, started.token, started.session.expiresAt);
				twoFactorRequired = started.twoFactorRequired ?? false;
				recoveryCodeUsed = started.recoveryCodeUsed ?? false;
				return null;
			},
			keep
		);
		if (result) return result;
		const next = safeRedirect(url.searchParams.get('redirectTo'));
		if (twoFactorRequired)
			redirect(303, `/login/two-factor?redirectTo=${encodeURIComponent(next)}`);
		// Signed in with a recovery code: review 2FA first (the page links on to `next`).
		if (recoveryCodeUsed) redirect(303, reviewAfterRecoveryUrl(next));
		redirect(303, next);
	};
}
