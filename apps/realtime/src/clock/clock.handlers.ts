import { clockPingSchema, type ClockPong } from '@chorus/protocol';
import { serverNowMs, type ChorusSocket, type Engine } from '../engine/index.ts';
import { command, socketScope } from '../socket/command.ts';

/** Clock sync is not rate limited like room events: a burst of pings at connect is normal. */
export function register(socket: ChorusSocket, engine: Engine): void {
	socket.on(
		'clock:ping',
		command(
			socketScope(socket, engine, engine.logger('clock')),
			'clock:ping',
			clockPingSchema,
			({ t0, rttMs }): ClockPong => {
				const t1 = serverNowMs();
				if (rttMs !== undefined) {
					socket.data.rttMs = rttMs;
					engine.metrics.clockRtt(rttMs);
				}
				return { t0, t1, t2: serverNowMs() };
			}
		)
	);
}
