// Baseline for bench/realtime: bare Socket.IO with the same Redis adapter and nothing else (no
// session, database, validation or per-member rendering). `join` puts a socket in a room, `relay`
// broadcasts a payload to a room on every node. Prints "listening on URL".
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// The server packages are dependencies of apps/realtime, not of the repository root: take the
// very same copies the realtime service uses.
const require = createRequire(new URL('../../apps/realtime/package.json', import.meta.url));
type Ack = () => void;
interface BareSocket {
	join(room: string): Promise<void> | void;
	on(event: string, handler: (arg: never, ack: Ack) => void): void;
}
const { Server } = require('socket.io') as {
	Server: new (
		http: ReturnType<typeof createServer>,
		opts: object
	) => {
		adapter(a: unknown): void;
		on(event: 'connection', handler: (socket: BareSocket) => void): void;
		to(room: string): { emit(event: string, payload: unknown): void };
		close(cb: () => void): void;
	};
};
const { createAdapter } = require('@socket.io/redis-adapter') as {
	createAdapter(pub: Redis, sub: Redis, opts: { key: string }): unknown;
};

const pub = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const sub = pub.duplicate();
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
// Its own channel prefix, so it never talks to realtime nodes on the same Redis.
io.adapter(createAdapter(pub, sub, { key: 'chorus-bench-bare' }));
io.on('connection', (socket) => {
	socket.on('join', (room: string, ack: Ack) => {
		void socket.join(room);
		ack();
	});
	socket.on('relay', (msg: { room: string; payload: unknown }, ack: Ack) => {
		io.to(msg.room).emit('msg', msg);
		ack();
	});
});
httpServer.listen(0, '127.0.0.1', () => {
	console.log(`listening on http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
