// Socket.IO's parser with binary packets turned into plain ones. Our protocol carries no binary
// data, and rebuilding a binary packet walks its payload recursively: a hostile, deeply nested
// one overflowed the stack inside the parser, which closed the connection without an ack.
// As a plain packet, the payload reaches command() (bounded, validated, always answered).
import { Decoder as BaseDecoder, Encoder } from 'socket.io-parser';

const BINARY_EVENT = '5';
const BINARY_ACK = '6';
const PLAIN = { [BINARY_EVENT]: '2', [BINARY_ACK]: '3' } as const;

export class Decoder extends BaseDecoder {
	override add(packet: unknown): void {
		// Attachments of a binary packet: nothing waits for them any more.
		if (typeof packet !== 'string') return;
		const type = packet[0];
		if (type === BINARY_EVENT || type === BINARY_ACK) {
			// `5<attachments>-<rest>` -> `2<rest>`: the placeholders stay as plain objects.
			const dash = packet.indexOf('-');
			super.add(PLAIN[type] + (dash > 0 ? packet.slice(dash + 1) : packet.slice(1)));
			return;
		}
		super.add(packet);
	}
}

export { Encoder };
