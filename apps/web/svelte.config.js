import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	// Form posts are origin-checked by SvelteKit by default; JSON API mutations by hooks.server.ts.
	kit: { adapter: adapter({ precompress: true }) }
};

export default config;
