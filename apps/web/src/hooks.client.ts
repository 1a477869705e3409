import { defineCustomClientStrategy } from '$lib/paraglide/runtime';

// The browser renders in the language the server rendered the page in (<html lang>), whatever
// its cookie or navigator.languages say, so hydration never meets other text.
defineCustomClientStrategy('custom-document', {
	getLocale: () => document.documentElement.lang || undefined,
	// Switching is a form POST to /locale and a fresh page; nothing to keep here.
	setLocale: () => {}
});
