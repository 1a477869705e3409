import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { safeRedirect } from '$lib/server/forms';
import { startAuthorization } from '$lib/server/auth/oauth/flow';
import { getProvider } from '$lib/server/auth/oauth/providers';
import type { RequestHandler } from './$types';

function providerOr404(id: string) {
	const provider = getProvider(id);
	if (!provider) error(404, { message: 'This sign-in provider is not configured' });
	return provider;
}

/** "Continue with GitHub/Google": sign in (or create an account) at the provider. */
export const GET: RequestHandler = (event) => {
	const provider = providerOr404(event.params.provider);
	if (provider.kind !== 'sign-in' || event.url.searchParams.get('intent') === 'link') {
		// Linking changes the account, so it starts with a same-origin POST (CSRF-checked).
		redirect(303, '/account/connections');
	}
	const redirectTo = safeRedirect(event.url.searchParams.get('redirectTo'));
	redirect(302, startAuthorization(event, provider, { intent: 'signin', redirectTo }).href);
};

/** Link the provider to the signed-in account (from /account/connections). */
export const POST: RequestHandler = (event: RequestEvent) => {
	const provider = providerOr404(event.params.provider ?? '');
	const user = event.locals.user;
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent('/account/connections')}`);
	const url = startAuthorization(event, provider, {
		intent: 'link',
		redirectTo: '/account/connections',
		userId: user.id
	});
	redirect(303, url.href);
};
