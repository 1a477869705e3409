/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Makes Chorus installable and its shell (the built JS/CSS and the static files) load from the
// device. Only those exact URLs are cached: pages, /api/ answers, audio (range requests, often
// private) and the realtime socket always go to the network, so nothing personal or stale is
// ever kept here.
import { build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `chorus-shell-${version}`;
const SHELL = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([...SHELL])));
});

sw.addEventListener('activate', (event) => {
	// Shells of older versions go; the new one takes over open pages at once.
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET' || request.headers.has('range')) return;
	const url = new URL(request.url);
	// Not answering leaves the request to the browser as if there were no worker.
	if (url.origin !== sw.location.origin || !SHELL.has(url.pathname)) return;
	event.respondWith(
		caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request))
	);
});
