// Every command: validate (strict zod) -> spend the user's event budget -> run -> ack, counted
// (events by outcome, ack latency) and logged with its socket and room.
import {
	AppError,
	CLIENT_EVENTS,
	fail,
	ok,
	toIssues,
	type Ack,
	type ClientToServerEvents
} from '@chorus/protocol';
import type { z } from 'zod';
import type { ChorusSocket, Engine } from '../engine/index.ts';
import type { Logger } from '../logger.ts';
import { isDatabaseError, type Metrics } from '../metrics.ts';

/** Our payloads are flat objects a few levels deep; anything far beyond is not a command. */
export const MAX_PAYLOAD_DEPTH = 8;
export const MAX_PAYLOAD_VALUES = 1_000;

/**
 * Why a payload is too deep or too big to validate, or null. Iterative on purpose: a recursive
 * walk (or schema validation) would overflow the stack on exactly the payloads it guards against.
 */
export function payloadTooComplex(payload: unknown): string | null {
	const stack: [unknown, number][] = [[payload, 0]];
	let values = 0;
	while (stack.length > 0) {
		const [value, depth] = stack.pop()!;
		if (++values > MAX_PAYLOAD_VALUES) return `more than ${MAX_PAYLOAD_VALUES} values`;
		if (value === null || typeof value !== 'object') continue;
		if (depth >= MAX_PAYLOAD_DEPTH) return `nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
		for (const child of Object.values(value)) stack.push([child, depth + 1]);
	}
	return null;
}

/** What a command reports to: a logger bound to its socket, and the node's metrics. */
export interface CommandScope {
	log: Logger;
	metrics: Metrics;
}

/** Periodic per-device traffic: its access lines are debug, so the info log stays readable. */
const QUIET_EVENTS = new Set(['clock:ping', 'sync:report', 'presence:set']);

/** The room a payload names (unvalidated: only ever logged, and cut short). */
const roomIdOf = (payload: unknown) => {
	const roomId = (payload as { roomId?: unknown } | null)?.roomId;
	return typeof roomId === 'string' ? roomId.slice(0, 64) : undefined;
};

/**
 * Wraps a command: bound the payload's shape -> validate (strict zod) -> run -> ack with the
 * envelope. Every failure is answered: AppError keeps its code, anything else is INTERNAL
 * (never a stack trace or SQL). Each answer is counted, timed and logged.
 */
export function command<S extends z.ZodType, R>(
	{ log, metrics }: CommandScope,
	event: string,
	schema: S,
	run: (payload: z.output<S>) => R | Promise<R>
) {
	return async (...args: unknown[]): Promise<void> => {
		// The ack is always the last argument: `emit(event, ack)` must not leave the client hanging.
		const ack = args.at(-1);
		if (typeof ack !== 'function') return; // every command needs an ack; ignore fire-and-forget
		const started = performance.now();
		const roomId = roomIdOf(args[0]);
		const reply = (res: Ack<R>) => {
			(ack as (res: Ack<R>) => void)(res);
			const seconds = (performance.now() - started) / 1000;
			const code = res.ok ? null : res.error.code;
			metrics.command(event, code, seconds);
			const level = QUIET_EVENTS.has(event) && !code ? 'debug' : 'info';
			log[level](
				{ event, roomId, outcome: code ?? 'ok', ms: +(seconds * 1000).toFixed(2) },
				'command'
			);
		};
		try {
			if (args.length !== 2) {
				reply(fail('VALIDATION', `${event} takes one payload object and an ack`));
				return;
			}
			const tooComplex = payloadTooComplex(args[0]);
			if (tooComplex) {
				reply(fail('VALIDATION', `Invalid payload for ${event}: ${tooComplex}`));
				return;
			}
			const parsed = schema.safeParse(args[0]);
			if (!parsed.success) {
				reply(fail('VALIDATION', `Invalid payload for ${event}`, toIssues(parsed.error)));
				return;
			}
			reply(ok(await run(parsed.data)));
		} catch (err) {
			if (err instanceof AppError) {
				reply(fail(err.code, err.message));
			} else {
				if (isDatabaseError(err)) metrics.dependencyError('postgres');
				log.error({ err, event, roomId }, 'command failed');
				reply(fail('INTERNAL', 'Something went wrong'));
			}
		}
	};
}

/** The scope a socket's commands report to: its id and user on every log line. */
export function socketScope(socket: ChorusSocket, engine: Engine, log: Logger): CommandScope {
	return {
		log: log.child({ socketId: socket.id, userId: socket.data.userId }),
		metrics: engine.metrics
	};
}

type Handler<S extends z.ZodType> = (payload: z.output<S>) => Promise<unknown>;
export type On = <E extends keyof ClientToServerEvents, S extends z.ZodType>(
	event: E,
	schema: S,
	run: Handler<S>
) => void;

/**
 * The way a slice registers its commands on a socket: each one is validated, spends one unit
 * of the user's event budget (over all their sockets and nodes), runs, and acks.
 */
export function commands(socket: ChorusSocket, engine: Engine, log: Logger): On {
	const { userId } = socket.data;
	const scope = socketScope(socket, engine, log);
	return (event, schema, run) => {
		const handler = command(scope, event, schema, async (payload) => {
			await engine.budget.consume(userId);
			return run(payload);
		});
		(socket.on as (e: string, h: typeof handler) => void)(event, handler);
	};
}

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

/** Rejects events the protocol does not define instead of leaving the client hanging. */
export function rejectUnknownEvents(socket: ChorusSocket, metrics: Metrics): void {
	socket.use(([event, ...args], next) => {
		if (KNOWN_EVENTS.has(event)) return next();
		const ack = args.at(-1);
		if (typeof ack === 'function') {
			ack(fail('VALIDATION', `Unknown event "${String(event).slice(0, 64)}"`));
			metrics.command('unknown', 'VALIDATION', 0);
		}
	});
}
