import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import {
	beginSetup,
	codeInput,
	confirmSetup,
	disableTwoFactor,
	pendingSetup,
	regenerateRecoveryCodes,
	secondFactorInput,
	setupInput,
	twoFactorStatus
} from '$lib/server/auth/two-factor';
import { formAction } from '$lib/server/forms';
import { redirectParam } from '$lib/redirect';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.user) redirect(303, '/login?redirectTo=/account/two-factor');
	return {
		status: await twoFactorStatus(locals.user.id),
		// Set by a sign-in that used a recovery code (see completeSignIn); `next` is where it was going.
		recoveryCodeUsed: url.searchParams.has('recovery-code-used'),
		next: redirectParam(url)
	};
};

function signedIn(locals: RequestEvent['locals']) {
	if (!locals.user || !locals.session) redirect(303, '/login?redirectTo=/account/two-factor');
	return { user: locals.user, session: locals.session };
}

// Each result names its step, so the page can tell them apart in `form`.
export const actions: Actions = {
	setup: async ({ request, locals }) => {
		const { user } = signedIn(locals);
		return formAction(request, setupInput, async ({ password }) => ({
			step: 'setup' as const,
			setup: await beginSetup(user.id, password)
		}));
	},
	confirm: async ({ request, locals }) => {
		const { user, session } = signedIn(locals);
		const result = await formAction(request, codeInput, async ({ code }) => ({
			step: 'enabled' as const,
			...(await confirmSetup(user.id, session.id, code))
		}));
		// A mistyped code keeps the enrolment on screen.
		if ('step' in result) return result;
		return fail(result.status, { ...result.data, setup: await pendingSetup(user.id) });
	},
	regenerate: async ({ request, locals }) => {
		const { user } = signedIn(locals);
		return formAction(request, codeInput, async ({ code }) => ({
			step: 'regenerated' as const,
			...(await regenerateRecoveryCodes(user.id, code))
		}));
	},
	disable: async ({ request, locals }) => {
		const { user } = signedIn(locals);
		return formAction(request, secondFactorInput, async (input) => {
			await disableTwoFactor(user.id, input);
			return { step: 'disabled' as const };
		});
	}
};
