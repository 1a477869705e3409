// A small OAuth 2.0 / OIDC provider on loopback, standing in for GitHub, Google and Spotify
// (the real ones cannot be reached from tests). Filled in with the OAuth work.
export interface StartedOAuthProvider {
	url: string;
	/** Env for the web app: each provider's endpoints, client id and secret pointing here. */
	env: Record<string, string>;
	stop(): Promise<void>;
}

export async function startOAuthProvider(): Promise<StartedOAuthProvider> {
	return { url: '', env: {}, stop: async () => {} };
}
