import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { sendMutation } from './mutations';
import type { RealtimeSocket } from './socket';

describe('sendMutation', () => {
	it('answers UNAVAILABLE at once while disconnected and leaves nothing to send on reconnect', async () => {
		// A real client that is not connected (as during a network drop): socket.io-client would
		// queue the emit in its send buffer and replay it on reconnect.
		const socket = io('http://127.0.0.1:9', { autoConnect: false }) as RealtimeSocket;
		const pending = sendMutation(socket, 'playback:seek', {
			roomId: '00000000-0000-4000-8000-000000000000',
			basedOnVersion: 3,
			positionMs: 1_000
		});
		expect(socket.sendBuffer).toHaveLength(0);
		const res = await pending;
		expect(res).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.any(String) } });
		expect(socket.sendBuffer).toHaveLength(0);
		socket.close();
	});
});
