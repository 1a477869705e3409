import { makeAudio } from '../../../tests/fixtures/audio.ts';
import { tempDir, uploadFile, waitUntilProcessed } from '../../lib/app.ts';
import { runBench } from '../../lib/harness.ts';
import { startDelayProxy } from '../../lib/delay-proxy.ts';
import { createRoom, HostControl, registerHost, startServers, wallNow } from '../room.ts';
import { launchChromium, newListenerPage } from '../listeners.ts';

await runBench('smoke', 120_000, async (cleanup) => {
	const servers = await startServers(cleanup);
	const host = await registerHost(servers);
	const dir = await tempDir(cleanup, 'a');
	const file = await makeAudio(dir, 'mp3', { seconds: 10, name: 'x' });
	const { track } = await uploadFile(host, file, 'audio/mpeg');
	await waitUntilProcessed(host, track.id, { pollMs: 100, timeoutMs: 30000 });
	const { roomId, listeners } = await createRoom(servers, host, 'smoke', 2);
	console.log('room', roomId, listeners);
	const c = await HostControl.connect(servers, host, roomId);
	await c.queue(track.id);
	const p = await c.playback('playback:play');
	console.log('play anchor in', p.anchorMs - wallNow(), 'ms');
	await new Promise((r) => setTimeout(r, 500));
	console.log(c.truth);
	const proxy = await startDelayProxy({ host: '127.0.0.1', port: servers.realtime.port }, 80);
	const browser = await launchChromium();
	cleanup.add('b', () => browser.close());
	const lp = await newListenerPage(
		browser,
		servers.webOrigin,
		listeners[0]!,
		`http://localhost:${proxy.port}`
	);
	await lp.page.goto(`${servers.webOrigin}/rooms/${roomId}`);
	await new Promise((r) => setTimeout(r, 3000));
	console.log('status', await lp.page.title(), (await lp.page.content()).slice(0, 300));
	console.log('proxy conns', proxy.connections());
	console.log(
		await lp.page.evaluate(() => [
			localStorage.getItem('chorus.realtimeUrl'),
			JSON.stringify((globalThis as any).__chorusBenchMedia)
		])
	);
	c.close();
	await proxy.close();
});
