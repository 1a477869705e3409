import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: adapter({ precompress: true }),
		// SvelteKit's own check refuses every form-encoded POST without an Origin header, which
		// breaks API clients such as curl uploading multipart files. hooks.server.ts applies the
		// same browser rule to every route instead (Origin / Sec-Fetch-Site must be same-origin).
		csrf: { trustedOrigins: ['*'] }
	}
};

export default config;
