import { clockPingSchema, type ClockPong } from '@chorus/protocol';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.ts';
import { command, type ChorusSocket } from '../lib/handler.ts';

/** Wall-clock ms with sub-millisecond precision (Date.now() is whole ms). */
export const serverNowMs = (): number => performance.timeOrigin + performance.now();

export function registerClockHandlers(socket: ChorusSocket, log: Logger): void {
	socket.on(
		'clock:ping',
		command(log, 'clock:ping', clockPingSchema, ({ t0, rttMs }): ClockPong => {
			const t1 = serverNowMs();
			if (rttMs !== undefined) socket.data.rttMs = rttMs;
			return { t0, t1, t2: serverNowMs() };
		})
	);
}
