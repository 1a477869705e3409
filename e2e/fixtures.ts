import {
	test as base,
	expect,
	type APIRequestContext,
	type BrowserContext,
	type TestInfo
} from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { makeAudio } from '../tests/fixtures/audio.ts';
import { basename } from 'node:path';
import { AccountPage } from './pages/account.page.ts';
import { AlbumPage } from './pages/album.page.ts';
import { AppShell } from './pages/app-shell.page.ts';
import { LibraryPage } from './pages/library.page.ts';
import { LoginPage } from './pages/login.page.ts';
import { PlayerBar } from './pages/player.page.ts';
import { PlaylistPage } from './pages/playlist.page.ts';
import { RegisterPage } from './pages/register.page.ts';
import { SearchPage } from './pages/search.page.ts';
import { TrackPage } from './pages/track.page.ts';
import { UploadPage } from './pages/upload.page.ts';
import { ORIGIN } from './target.ts';

export interface Credentials {
	email: string;
	password: string;
	displayName: string;
}

/**
 * Headers for API calls made with Playwright's request contexts. Browsers send Origin on every
 * POST and the web app refuses mutations without it (CSRF); an APIRequestContext sends none.
 */
export const SAME_ORIGIN = { origin: ORIGIN } as const;

/** A user nobody has registered yet: unique per call, so tests never collide (or retry into 409s). */
export function newCredentials(): Credentials {
	const id = randomBytes(5).toString('hex');
	return {
		// Lower case: the app normalises emails, and the tests compare what it shows.
		email: `e2e-${id}@example.test`,
		password: `pw-${randomBytes(8).toString('hex')}`,
		displayName: `Listener ${id}`
	};
}

/** A lower-case word nobody else uses: makes titles and names findable by search, per test. */
export function uniqueWord(length = 10): string {
	return Array.from(randomBytes(length), (b) => String.fromCharCode(97 + (b % 26))).join('');
}

/** The fields of the API's track JSON these tests read. */
export interface TrackJson {
	id: string;
	title: string;
	artist: string;
	album: string | null;
	albumId: string | null;
	genre: string | null;
	coverUrl: string;
	durationMs: number;
	processingStatus: 'pending' | 'ready' | 'failed';
	visibility: 'private' | 'unlisted' | 'public';
	playCount: number;
	likeCount: number;
	likedByMe: boolean;
}

export interface PlaylistJson {
	playlist: { id: string; name: string; trackCount: number };
	items: { id: string; position: number; track: TrackJson }[];
}

const MIME: Record<string, string> = {
	mp3: 'audio/mpeg',
	flac: 'audio/flac',
	ogg: 'audio/ogg',
	opus: 'audio/ogg',
	wav: 'audio/wav',
	m4a: 'audio/mp4'
};

/** The JSON API as the signed-in user of `page` (page.request shares the page's cookies). */
export class LibraryApi {
	constructor(readonly request: APIRequestContext) {}

	async #json<T>(path: string, init: Parameters<APIRequestContext['fetch']>[1] = {}) {
		const res = await this.request.fetch(path, {
			...init,
			headers: { ...SAME_ORIGIN, ...init.headers }
		});
		expect(res.ok(), `${init.method ?? 'GET'} ${path}: ${res.status()} ${await res.text()}`).toBe(
			true
		);
		return (await res.json()) as T;
	}

	/** Uploads an audio file (POST /api/v1/tracks) and waits until processing is done. */
	async upload(path: string): Promise<TrackJson> {
		const ext = path.split('.').pop() ?? '';
		const track = await this.#json<TrackJson>('/api/v1/tracks', {
			method: 'POST',
			multipart: {
				file: {
					name: basename(path),
					mimeType: MIME[ext] ?? 'application/octet-stream',
					buffer: await readFile(path)
				}
			}
		});
		return this.waitReady(track.id);
	}

	track(id: string): Promise<TrackJson> {
		return this.#json<TrackJson>(`/api/v1/tracks/${encodeURIComponent(id)}`);
	}

	/** Polls until the upload worker has finished the track (cover, waveform); it must succeed. */
	async waitReady(id: string): Promise<TrackJson> {
		let track: TrackJson | undefined;
		await expect
			.poll(async () => (track = await this.track(id)).processingStatus, {
				message: `track ${id} processed`,
				timeout: 30_000
			})
			.toBe('ready');
		return track!;
	}

	playlist(id: string): Promise<PlaylistJson> {
		return this.#json<PlaylistJson>(`/api/v1/playlists/${encodeURIComponent(id)}`);
	}
}

interface Fixtures {
	/** CSP violations the browser reported in any context of the test; must stay empty. */
	cspViolations: string[];
	/** Fresh, unregistered credentials for this test. */
	credentials: Credentials;
	/** A user registered through the JSON API (not signed in in `page`); its credentials. */
	apiUser: Credentials;
	/** `apiUser`, signed in in `page` through the login API (the session cookie is the page's). */
	signedInUser: Credentials;
	/** The JSON API as `signedInUser` (using it signs the user in). */
	libraryApi: LibraryApi;
	registerPage: RegisterPage;
	loginPage: LoginPage;
	appShell: AppShell;
	accountPage: AccountPage;
	uploadPage: UploadPage;
	libraryPage: LibraryPage;
	albumPage: AlbumPage;
	trackPage: TrackPage;
	playlistPage: PlaylistPage;
	searchPage: SearchPage;
	playerBar: PlayerBar;
}

export const test = base.extend<Fixtures>({
	cspViolations: [
		async ({ browser, context }, use) => {
			const seen: string[] = [];
			const watch = (c: BrowserContext) =>
				c.on('console', (m) => {
					if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
				});
			watch(context);
			// Specs open more contexts (host and guests) with browser.newContext(): watch those too.
			const newContext = browser.newContext.bind(browser);
			browser.newContext = async (options) => {
				const c = await newContext(options);
				watch(c);
				return c;
			};
			try {
				await use(seen);
			} finally {
				browser.newContext = newContext;
			}
			expect(seen, 'CSP violations in the browser console').toEqual([]);
		},
		{ auto: true }
	],
	// Playwright requires the object pattern even when a fixture uses no other fixture.
	// eslint-disable-next-line no-empty-pattern
	credentials: async ({}, use) => {
		await use(newCredentials());
	},
	apiUser: async ({ request }, use) => {
		const user = newCredentials();
		const res = await request.post('/api/v1/auth/register', {
			data: user,
			headers: SAME_ORIGIN
		});
		expect(res.status(), `seeding ${user.email}: ${await res.text()}`).toBe(201);
		const body = (await res.json()) as { user: { email: string; displayName: string } };
		expect(body.user).toMatchObject({ email: user.email, displayName: user.displayName });
		await use(user);
	},
	signedInUser: async ({ page, apiUser }, use) => {
		const res = await page.request.post('/api/v1/auth/login', {
			data: { email: apiUser.email, password: apiUser.password },
			headers: SAME_ORIGIN
		});
		expect(res.status(), `signing in ${apiUser.email}: ${await res.text()}`).toBe(200);
		await use(apiUser);
	},
	libraryApi: async ({ page, signedInUser }, use) => {
		void signedInUser;
		await use(new LibraryApi(page.request));
	},
	registerPage: async ({ page }, use) => {
		await use(new RegisterPage(page));
	},
	loginPage: async ({ page }, use) => {
		await use(new LoginPage(page));
	},
	appShell: async ({ page }, use) => {
		await use(new AppShell(page));
	},
	accountPage: async ({ page }, use) => {
		await use(new AccountPage(page));
	},
	uploadPage: async ({ page }, use) => {
		await use(new UploadPage(page));
	},
	libraryPage: async ({ page }, use) => {
		await use(new LibraryPage(page));
	},
	albumPage: async ({ page }, use) => {
		await use(new AlbumPage(page));
	},
	trackPage: async ({ page }, use) => {
		await use(new TrackPage(page));
	},
	playlistPage: async ({ page }, use) => {
		await use(new PlaylistPage(page));
	},
	searchPage: async ({ page }, use) => {
		await use(new SearchPage(page));
	},
	playerBar: async ({ page }, use) => {
		await use(new PlayerBar(page));
	}
});

/** Uploads a real MP3 as the user of `request` and makes it public, so room members can add it. */
export async function publicTrack(
	request: APIRequestContext,
	testInfo: TestInfo,
	title: string,
	artist: string,
	frequencyHz: number
): Promise<TrackJson> {
	const dir = testInfo.outputPath('audio');
	await mkdir(dir, { recursive: true });
	const file = await makeAudio(dir, 'mp3', { title, artist, seconds: 20, frequencyHz });
	const track = await new LibraryApi(request).upload(file);
	const res = await request.patch(`/api/v1/tracks/${track.id}`, {
		data: { visibility: 'public' },
		headers: SAME_ORIGIN
	});
	expect(res.status(), await res.text()).toBe(200);
	return track;
}

export { expect };
