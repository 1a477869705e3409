// The browser side of bench/sync: one headless Chromium, one context per listener (its own
// cookies, storage and audio elements), the app's room page playing real audio, and a sampler.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { PlayerSample } from './analyse.ts';
import { wallNow, type Listener } from './room.ts';

/** The same Chromium and flags as e2e/playwright.config.ts when Playwright's own is missing. */
export async function launchChromium(): Promise<Browser> {
	return chromium.launch({
		headless: true,
		executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-background-networking',
			'--autoplay-policy=no-user-gesture-required'
		]
	});
}

/** What the page's media elements did, recorded by an init script below the app. */
export interface MediaLog {
	/** Largest |playbackRate - 1| ever set. */
	maxRateDelta: number;
	rateSets: number;
	/** currentTime set while the element was playing: an audible jump. */
	seeks: { wallMs: number; fromMs: number; toMs: number }[];
	/** play() calls. */
	plays: { wallMs: number; atMs: number }[];
}

// Runs in every page before the app: wraps the media element's setters so the bench sees every
// rate change and every seek, not only those that happen to fall on a sampling instant. A string,
// not a function: tsx (esbuild keepNames) would wrap a function's inner helpers in `__name()`
// calls, which do not exist in the page.
const INSTRUMENT_MEDIA = `(() => {
	const log = { maxRateDelta: 0, rateSets: 0, seeks: [], plays: [] };
	globalThis.__chorusBenchMedia = log;
	const now = () => performance.timeOrigin + performance.now();
	const proto = HTMLMediaElement.prototype;
	const rate = Object.getOwnPropertyDescriptor(proto, 'playbackRate');
	Object.defineProperty(proto, 'playbackRate', {
		configurable: true,
		get() { return rate.get.call(this); },
		set(v) {
			log.rateSets++;
			log.maxRateDelta = Math.max(log.maxRateDelta, Math.abs(v - 1));
			rate.set.call(this, v);
		}
	});
	const time = Object.getOwnPropertyDescriptor(proto, 'currentTime');
	Object.defineProperty(proto, 'currentTime', {
		configurable: true,
		get() { return time.get.call(this); },
		set(v) {
			// Only a jump while playing is heard; positioning a paused element is not.
			if (!this.paused && log.seeks.length < 10000) {
				log.seeks.push({ wallMs: now(), fromMs: time.get.call(this) * 1000, toMs: v * 1000 });
			}
			time.set.call(this, v);
		}
	});
	const play = proto.play;
	proto.play = function () {
		if (log.plays.length < 10000) log.plays.push({ wallMs: now(), atMs: this.currentTime * 1000 });
		return play.call(this);
	};
})();`;

export interface ListenerPage {
	listener: Listener;
	context: BrowserContext;
	page: Page;
	/** Wall time the room page was opened; null until then. */
	openedAt: number | null;
	/** Through the delay proxy. */
	delayed: boolean;
}

export async function newListenerPage(
	browser: Browser,
	webOrigin: string,
	listener: Listener,
	realtimeOverride: string | null
): Promise<ListenerPage> {
	const context = await browser.newContext();
	await context.addCookies([
		{
			name: 'chorus_session',
			value: listener.token,
			url: webOrigin,
			httpOnly: true,
			sameSite: 'Lax'
		}
	]);
	await context.addInitScript({ content: INSTRUMENT_MEDIA });
	if (realtimeOverride) {
		// The app reads this before it connects (apps/web/src/lib/realtime/socket.ts).
		await context.addInitScript({
			content: `try { localStorage.setItem('chorus.realtimeUrl', ${JSON.stringify(realtimeOverride)}); } catch {}`
		});
	}
	const page = await context.newPage();
	return { listener, context, page, openedAt: null, delayed: realtimeOverride !== null };
}

/** Opens the room page; resolves when the RoomPlayer exists and its clock is calibrated. */
export async function openRoom(lp: ListenerPage, webOrigin: string, roomId: string) {
	lp.openedAt = wallNow();
	await lp.page.goto(`${webOrigin}/rooms/${roomId}`);
	await lp.page.waitForFunction(
		() =>
			(
				globalThis as { __chorusRoomPlayer?: { sample(): { serverMs: number | null } } }
			).__chorusRoomPlayer?.sample().serverMs != null,
		undefined,
		{ timeout: 30_000, polling: 50 }
	);
}

/** One reading from a page; a page that is loading counts as present but not playing. */
export async function sampleOne(lp: ListenerPage): Promise<PlayerSample | null> {
	if (lp.openedAt === null) return null;
	const notPlaying = (status: string): PlayerSample => ({
		wallMs: wallNow(),
		serverMs: null,
		itemId: null,
		positionMs: null,
		expectedMs: null,
		rate: 1,
		status
	});
	try {
		const s = await lp.page.evaluate(
			() =>
				(
					globalThis as { __chorusRoomPlayer?: { sample(): unknown } }
				).__chorusRoomPlayer?.sample() ?? null
		);
		return (s as PlayerSample | null) ?? notPlaying('loading');
	} catch {
		// Navigating: the execution context went away under us.
		return notPlaying('loading');
	}
}

export function mediaLog(lp: ListenerPage): Promise<MediaLog | null> {
	return lp.page
		.evaluate(() => (globalThis as { __chorusBenchMedia?: MediaLog }).__chorusBenchMedia ?? null)
		.catch(() => null);
}
