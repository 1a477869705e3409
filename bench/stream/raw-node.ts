// Reference server: what plain node:http does with the same file, without SvelteKit, sessions or
// database. It mirrors the byte path of the app's stream endpoint (open per request, fstat, a
// createReadStream of the range with its default 64 KiB reads), so the gap between it and the
// app is framework + auth + database cost, and the gap to nginx is Node itself.
//
//   node --import tsx bench/stream/raw-node.ts <file> <port>
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: raw-node.ts <file> <port>');

const server = createServer(async (req, res) => {
	try {
		const handle = await open(file, 'r');
		const { size } = await handle.stat();
		const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
		const start = m ? Number(m[1]) : 0;
		const end = m ? Math.min(Number(m[2]), size - 1) : size - 1;
		if (start > end) {
			await handle.close();
			res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
			return;
		}
		res.writeHead(m ? 206 : 200, {
			'accept-ranges': 'bytes',
			'content-type': 'audio/wav',
			'content-length': String(end - start + 1),
			...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {})
		});
		handle.createReadStream({ start, end }).pipe(res);
	} catch {
		res.writeHead(500).end();
	}
});
server.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => {
	server.closeAllConnections();
	server.close(() => process.exit(0));
});
