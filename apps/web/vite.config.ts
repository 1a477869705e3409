import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vite';
import { paraglideOptions } from './paraglide.config.js';

// In `pnpm dev` the browser talks to the realtime service through this proxy, so the session
// cookie and the page share one origin, as they do behind nginx in production.
const realtimeTarget = process.env.REALTIME_PROXY_TARGET ?? 'http://localhost:3001';

export default defineConfig({
	plugins: [paraglideVitePlugin(paraglideOptions), sveltekit()],
	server: {
		port: 5173,
		strictPort: true,
		// `pnpm dev --lan` with CHORUS_LAN_HOST set to a name (mybox.local): Vite answers only
		// localhost and IP addresses unless told which other Host is its own (DNS rebinding guard).
		allowedHosts: process.env.CHORUS_LAN_HOST ? [process.env.CHORUS_LAN_HOST] : [],
		proxy: {
			'/socket.io': { target: realtimeTarget, ws: true, changeOrigin: false }
		}
	}
});
