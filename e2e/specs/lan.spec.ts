// LAN mode (issue 18, phones on the same Wi-Fi): the app served on this machine's non-loopback
// address with the origins `pnpm dev --lan` gives it (scripts/lib/lan.ts). The invite link the
// room's Invite dialog shows is built on that address, and a browser that opens it there joins
// as a guest: the page's socket is accepted, so the LAN origin is on the realtime allow-list.
import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { devAddresses, pickLanAddress } from '../../scripts/lib/lan.ts';
import { freePort } from '../../scripts/lib/postgres.ts';
import { startRealtime, startWeb, type StartedProcess } from '../../tests/servers.ts';
import { E2E_DATABASE_URL_FILE } from '../db.ts';
import { localOnly } from '../target.ts';
import { InvitePage } from '../pages/invite.page.ts';
import { RoomPage } from '../pages/room.page.ts';

const lanAddress = pickLanAddress();

test.describe('LAN mode', { tag: '@local' }, () => {
	localOnly('starts a second web + realtime pair on the e2e database');
	test.skip(!lanAddress, 'this machine has no non-loopback IPv4 address to serve the LAN on');

	let lanOrigin = '';
	let servers: StartedProcess[] = [];

	test.beforeAll(async () => {
		const [webPort, realtimePort] = [await freePort(), await freePort()];
		const addresses = devAddresses({ lanHost: lanAddress, webPort });
		lanOrigin = addresses.webOrigin;
		// The running e2e servers' database: this pair is a second deployment of the same instance.
		const DATABASE_URL = readFileSync(E2E_DATABASE_URL_FILE, 'utf8');
		const realtime = await startRealtime({
			HOST: '0.0.0.0',
			PORT: String(realtimePort),
			DATABASE_URL,
			REALTIME_ALLOWED_ORIGINS: addresses.realtimeAllowedOrigins.join(',')
		});
		servers.push(realtime);
		servers.push(
			await startWeb(
				{
					HOST: addresses.webListenHost,
					DATABASE_URL,
					ORIGIN: lanOrigin,
					// Pages talk to realtime directly here (no Vite proxy): on the LAN address too.
					PUBLIC_REALTIME_URL: `http://${lanAddress}:${realtimePort}`,
					// Plain http on a LAN address: browsers drop Secure cookies there (not on localhost).
					COOKIE_SECURE: 'false',
					RATE_LIMIT_NAMESPACE: `e2e-lan-${randomBytes(6).toString('hex')}`,
					MEDIA_WORKER: 'false'
				},
				{ port: webPort, host: lanAddress! }
			)
		);
	});

	test.afterAll(async () => {
		await Promise.all(servers.map((s) => s.stop()));
		servers = [];
	});

	test('the invite link is built on the LAN address, and a browser there joins as a guest', async ({
		browser
	}) => {
		test.setTimeout(90_000);
		const host = await browser.newContext({ baseURL: lanOrigin });
		const guest = await browser.newContext({ baseURL: lanOrigin });
		try {
			const sameOrigin = { origin: lanOrigin };
			const registered = await host.request.post('/api/v1/auth/register', {
				headers: sameOrigin,
				data: {
					email: `lan-${randomBytes(5).toString('hex')}@example.test`,
					password: 'quartz-heron-lantern-4',
					displayName: 'LAN Host'
				}
			});
			expect(registered.status(), await registered.text()).toBe(201);
			const created = await host.request.post('/api/v1/rooms', {
				headers: sameOrigin,
				data: { name: 'Living room' }
			});
			expect(created.status(), await created.text()).toBe(201);
			const { room } = (await created.json()) as { room: { id: string } };

			const hostRoom = new RoomPage(await host.newPage());
			await hostRoom.goto(room.id);
			const inviteUrl = new URL(await hostRoom.createInvite());
			expect(inviteUrl.origin).toBe(lanOrigin);
			expect(inviteUrl.hostname).toBe(lanAddress);
			expect(inviteUrl.hostname).not.toMatch(/^(localhost|127\.|\[::1\])/);

			const guestPage = await guest.newPage();
			const invite = new InvitePage(guestPage);
			expect((await invite.open(inviteUrl.href))?.status()).toBe(200);
			await expect(invite.heading).toHaveText('Living room');
			await invite.joinAsGuestNamed('Phone on the Wi-Fi');
			// Ready = the socket connected from the LAN origin and joined the room.
			await new RoomPage(guestPage).ready();
			await expect(hostRoom.member('Phone on the Wi-Fi')).toBeVisible();
		} finally {
			await Promise.all([host.close(), guest.close()]);
		}
	});
});
