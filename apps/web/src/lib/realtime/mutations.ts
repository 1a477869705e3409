import type { ClientToServerEvents } from '@chorus/protocol';
import type { RealtimeSocket } from './socket';

/** How long a command waits for its ack before the one retry (same mutationId). */
export const ACK_TIMEOUT_MS = 5_000;

export type Mutations = {
	[E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]>[0] extends {
		mutationId: string;
	}
		? E
		: never;
}[keyof ClientToServerEvents];
export type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<
	ClientToServerEvents[E]
>[0];
export type AckOf<E extends keyof ClientToServerEvents> = Parameters<
	ClientToServerEvents[E]
>[1] extends (res: infer R) => void
	? R
	: never;
export type Input<E extends Mutations> = Omit<PayloadOf<E>, 'roomId' | 'mutationId'>;
export type TimelineCommand =
	'playback:play' | 'playback:pause' | 'playback:skip' | 'playback:previous' | 'playback:seek';

/** A fresh mutation id; randomUUID needs a secure context, plain-HTTP LAN installs may lack it. */
function newMutationId(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
		b.toString(16).padStart(2, '0')
	).join('');
}

const timedOut = (err: unknown) => err instanceof Error && /timed? ?out/i.test(err.message);
const OFFLINE = {
	ok: false,
	error: { code: 'UNAVAILABLE', message: 'You are offline. Try again once you are back.' }
} as const;

/**
 * Sends a room mutation with a fresh mutationId; on timeout sends it once more with the SAME id
 * (the server applies an id at most once and answers the retry with the first result). A second
 * timeout becomes an UNAVAILABLE ack, so callers handle one shape.
 *
 * Never while disconnected: socket.io-client would buffer the emit and send it on reconnect,
 * long after the person pressed the button, over whatever happened meanwhile.
 */
export async function sendMutation<E extends Mutations>(
	socket: RealtimeSocket,
	event: E,
	input: Omit<PayloadOf<E>, 'mutationId'>
): Promise<AckOf<E>> {
	const payload = { ...input, mutationId: newMutationId() };
	// socket.io's typed emitWithAck cannot follow a generic event name; the types above do.
	const s = socket as unknown as {
		timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
	};
	for (let attempt = 0; attempt < 2; attempt++) {
		if (!socket.connected) return OFFLINE as AckOf<E>;
		try {
			return (await s.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as AckOf<E>;
		} catch (err) {
			if (!timedOut(err)) throw err;
		}
	}
	return {
		ok: false,
		error: { code: 'UNAVAILABLE', message: 'The server did not answer. Try again.' }
	} as AckOf<E>;
}
