import { enabledSignInProviders } from '$lib/server/auth/oauth/providers';
import { redirectSignedIn, sessionAction } from '$lib/server/auth/actions';
import { register, registerInput } from '$lib/server/auth/service';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	redirectSignedIn(event);
	return { oauthProviders: enabledSignInProviders() };
};

export const actions: Actions = {
	default: sessionAction(registerInput, register, ['email', 'displayName'])
};
