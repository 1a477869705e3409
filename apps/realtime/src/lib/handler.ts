import {
	AppError,
	CLIENT_EVENTS,
	fail,
	ok,
	toIssues,
	type Ack,
	type ClientToServerEvents,
	type InterServerEvents,
	type ServerToClientEvents,
	type SocketData
} from '@chorus/protocol';
import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import type { Logger } from '../logger.ts';

export type ChorusServer = Server<
	ClientToServerEvents,
	ServerToClientEvents,
	InterServerEvents,
	SocketData
>;
export type ChorusSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	InterServerEvents,
	SocketData
>;

/**
 * Wraps a command: validate (strict zod) -> run -> ack with the envelope.
 * Errors never leak internals: AppError keeps its code, anything else is INTERNAL.
 */
export function command<S extends z.ZodType, R>(
	log: Logger,
	event: string,
	schema: S,
	run: (payload: z.output<S>) => R | Promise<R>
) {
	return async (...args: unknown[]): Promise<void> => {
		// The ack is always the last argument: `emit(event, ack)` must not leave the client hanging.
		const ack = args.at(-1);
		if (typeof ack !== 'function') return; // every command needs an ack; ignore fire-and-forget
		const reply = ack as (res: Ack<R>) => void;
		if (args.length !== 2) {
			reply(fail('VALIDATION', `${event} takes one payload object and an ack`));
			return;
		}
		const parsed = schema.safeParse(args[0]);
		if (!parsed.success) {
			reply(fail('VALIDATION', `Invalid payload for ${event}`, toIssues(parsed.error)));
			return;
		}
		try {
			reply(ok(await run(parsed.data)));
		} catch (err) {
			if (err instanceof AppError) {
				reply(fail(err.code, err.message));
			} else {
				log.error({ err, event }, 'command failed');
				reply(fail('INTERNAL', 'Something went wrong'));
			}
		}
	};
}

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

/** Rejects events the protocol does not define instead of leaving the client hanging. */
export function rejectUnknownEvents(socket: ChorusSocket): void {
	socket.use(([event, ...args], next) => {
		if (KNOWN_EVENTS.has(event)) return next();
		const ack = args.at(-1);
		if (typeof ack === 'function') {
			ack(fail('VALIDATION', `Unknown event "${String(event).slice(0, 64)}"`));
		}
	});
}
