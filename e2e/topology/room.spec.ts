// The room journey through nginx (playwright.topology.config.ts): a host and a guest on different
// realtime nodes behind one nginx, the guest votes, the host plays, both play in sync. The sockets
// go over WebSocket through nginx's upgrade; which node answered comes from the realtime
// service's X-Chorus-Node header (set by the topology's NODE_ID) on the 101 response.
import type { APIRequestContext, Browser, BrowserContext, Page, TestInfo } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { makeAudio } from '../../tests/fixtures/audio.ts';
import { expect, SAME_ORIGIN, test, uniqueWord, type LibraryApi } from '../fixtures.ts';
import { RoomPage } from '../pages/room.page.ts';
import {
	acceptInvite,
	apartMs,
	createRoomWithInvite,
	RoomPlayerProbe,
	RoomRemote
} from '../pages/sync.ts';

/** Loose, as in specs/sync.spec.ts: this proves the journey, bench/sync measures the figures. */
const SYNC_TOLERANCE_MS = 150;
const TRACK_SECONDS = 20;
/** Each new guest lands on either node (hash of its session): give up after this many. */
const GUEST_ATTEMPTS = 12;

test.describe.configure({ timeout: 120_000 });
test.skip(
	!process.env.CHORUS_TOPOLOGY_NGINX,
	'nginx is not installed (apt-get install -y nginx): the topology was not started'
);

interface Handshake {
	url: string;
	status: number;
	node: string | null;
}

/** Records the page's WebSocket handshakes (URL, status, X-Chorus-Node) over CDP. */
async function recordWebSockets(page: Page): Promise<Handshake[]> {
	const seen: Handshake[] = [];
	const urls = new Map<string, string>();
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	cdp.on('Network.webSocketCreated', (e) => urls.set(e.requestId, e.url));
	cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
		const headers = Object.fromEntries(
			Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)])
		);
		seen.push({
			url: urls.get(e.requestId) ?? '',
			status: e.response.status,
			node: headers['x-chorus-node'] ?? null
		});
	});
	return seen;
}

/** The realtime node nginx sends this cookie jar's Socket.IO requests to. */
async function nodeOf(request: APIRequestContext): Promise<string> {
	const res = await request.get('/socket.io/?EIO=4&transport=polling', { headers: SAME_ORIGIN });
	expect(res.status(), await res.text()).toBe(200);
	const node = res.headers()['x-chorus-node'];
	expect(node, 'X-Chorus-Node on the handshake').toMatch(/^realtime-[12]$/);
	return node!;
}

async function uploadTracks(api: LibraryApi, testInfo: TestInfo, titles: string[]) {
	const dir = testInfo.outputPath('audio');
	await mkdir(dir, { recursive: true });
	const tracks = [];
	for (const [i, title] of titles.entries()) {
		const file = await makeAudio(dir, 'mp3', {
			seconds: TRACK_SECONDS,
			frequencyHz: 440 + 220 * i,
			title,
			name: `topology-${i}-${uniqueWord(6)}`
		});
		tracks.push(await api.upload(file));
	}
	return tracks;
}

/** A guest whose session nginx pins to another node than `avoid` (new guests until one is). */
async function guestOnOtherNode(browser: Browser, baseURL: string, token: string, avoid: string) {
	for (let attempt = 1; attempt <= GUEST_ATTEMPTS; attempt++) {
		const context: BrowserContext = await browser.newContext({ baseURL });
		await acceptInvite(context, token, `Guest ${attempt} ${uniqueWord(4)}`);
		const node = await nodeOf(context.request);
		if (node !== avoid) return { context, node };
		await context.close();
	}
	throw new Error(`${GUEST_ATTEMPTS} guests in a row were pinned to ${avoid}: no spreading?`);
}

test('host and guest on two realtime nodes behind nginx: vote, play, in sync', async ({
	browser,
	page,
	libraryApi,
	baseURL
}, testInfo) => {
	const word = uniqueWord();
	const [aria, ballad] = [`Aria ${word}`, `Ballad ${word}`];
	const [ariaTrack, balladTrack] = await uploadTracks(libraryApi, testInfo, [aria, ballad]);

	const { roomId, token } = await createRoomWithInvite(page.request, `Topology ${word}`);
	const hostNode = await nodeOf(page.request);
	const guest = await guestOnOtherNode(browser, baseURL!, token, hostNode);
	const guestPage = await guest.context.newPage();
	const sockets = { host: await recordWebSockets(page), guest: await recordWebSockets(guestPage) };

	// The host's commands go through nginx too (its session cookie, so its node).
	const front = new URL(baseURL!);
	const remote = await RoomRemote.connect({
		realtimeUrl: `http://127.0.0.1:${front.port}`,
		origin: front.origin,
		cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; '),
		roomId
	});
	try {
		const host = new RoomPage(page);
		const guestRoom = new RoomPage(guestPage);
		await host.goto(roomId);
		await guestRoom.goto(roomId);

		await remote.queue(ariaTrack!.id);
		await remote.queue(balladTrack!.id);
		await expect(guestRoom.item(ballad)).toBeVisible();

		// The guest's vote (node B) reorders the host's queue (node A) through Redis.
		await guestRoom.upvote(ballad).click();
		await expect(guestRoom.upvote(ballad)).toHaveAttribute('aria-pressed', 'true');
		await expect(host.score(ballad)).toHaveText('1');
		await expect.poll(() => host.queueTitles()).toEqual([ballad, aria]);

		const started = await remote.command('playback:play');
		expect(started.trackId).toBe(balladTrack!.id);

		const [a, b] = [new RoomPlayerProbe(page), new RoomPlayerProbe(guestPage)];
		await expect
			.poll(
				async () => {
					const [sa, sb] = await Promise.all([a.sample(), b.sample()]);
					const apart = apartMs(sa, sb);
					return {
						item: sa?.itemId === started.itemId && sb?.itemId === started.itemId,
						together: apart !== null && apart <= SYNC_TOLERANCE_MS,
						apartMs: apart,
						statuses: [sa?.status, sb?.status]
					};
				},
				{ message: 'host and guest play the voted track together', timeout: 20_000 }
			)
			.toMatchObject({ item: true, together: true });
		// ...and stay together, not only at one lucky instant.
		for (let i = 0; i < 5; i++) {
			const [sa, sb] = await Promise.all([a.sample(), b.sample()]);
			expect(sa?.itemId).toBe(started.itemId);
			expect(apartMs(sa, sb)).toBeLessThanOrEqual(SYNC_TOLERANCE_MS);
			await page.waitForTimeout(300);
		}

		// Both pages' sockets: WebSocket through nginx's upgrade (101), each on its own node.
		for (const [who, node] of [
			['host', hostNode],
			['guest', guest.node]
		] as const) {
			const upgraded = sockets[who].filter((h) => h.status === 101);
			expect(upgraded.length, `${who}: a WebSocket handshake`).toBeGreaterThan(0);
			for (const h of upgraded) {
				expect(h.url).toMatch(
					new RegExp(`^ws://localhost:${front.port}/socket\\.io/\\?.*transport=websocket`)
				);
				expect(h.node, `${who}'s socket node`).toBe(node);
			}
		}
		expect(guest.node).not.toBe(hostNode);
	} finally {
		remote.close();
		await guest.context.close();
	}
});
