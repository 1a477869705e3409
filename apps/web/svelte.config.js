import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: adapter({ precompress: true }),
		// SvelteKit's own CSRF check only looks at form content types and answers in its own format.
		// hooks.server.ts (lib/server/csrf.ts) checks every non-GET request instead, JSON included:
		// Origin or Sec-Fetch-Site must be this origin, and one of them must be there.
		csrf: { trustedOrigins: ['*'] },
		// A nonce per response for kit's own inline scripts; nothing else inline may run.
		// hooks.server.ts (lib/server/security-headers.ts) adds what is known only at run time:
		// ws(s) of ORIGIN and PUBLIC_REALTIME_URL to connect-src, OAuth providers to form-action.
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Svelte writes style attributes and transition <style> elements.
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				// howler parks released <audio> elements on a tiny data: WAV.
				'media-src': ['self', 'blob:', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
