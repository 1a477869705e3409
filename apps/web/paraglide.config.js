// One set of Paraglide compiler options for the Vite plugin (dev, build) and for `pnpm check`,
// which needs the compiled messages before svelte-check runs: `node paraglide.config.js`.
import { compile } from '@inlang/paraglide-js';

/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	// custom-account: a signed-in person's saved language (set per request in hooks.server.ts);
	// custom-document: in the browser, the <html lang> the server rendered, so the client render
	// always uses the server's locale (no hydration mismatch); then the cookie of the header
	// switcher, then Accept-Language / navigator.languages, then English. No URL prefixes.
	strategy: ['custom-account', 'custom-document', 'cookie', 'preferredLanguage', 'baseLocale']
};

if (import.meta.url === `file://${process.argv[1]}`) {
	await compile(paraglideOptions);
}
